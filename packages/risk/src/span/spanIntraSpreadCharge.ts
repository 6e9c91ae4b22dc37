/** A spread rate between two tiers (0-based here), in priority order; `tierA === tierB` spreads inside one tier. */
export type SpanIntraSpreadRate = { tierA: number; tierB: number; /** charge per spread, currency */ chargePerSpread: number }

/** Spreads formed for one rate. */
export type SpanIntraSpreadFormed = { tierA: number; tierB: number; spreads: number; charge: number }

export type SpanIntraSpreadCharge = {
  /** Σ spreads × charge per spread, currency, ≥ 0 */
  charge: number
  /** one entry per rate that formed spreads, in priority order */
  formed: SpanIntraSpreadFormed[]
  /** long and short delta left in each tier after spreading (both ≥ 0) */
  remaining: { long: number; short: number }[]
}

/**
 * Intra-commodity (calendar) spread charge of one combined commodity, delta-based as CME SPAN defines it (CME Group,
 * *CME SPAN Methodology Overview*, "Intra-Commodity Spread Charges"; worked rates in CME Group, *Margins: Spread
 * Calculations*, "Intra Spread Calculations"): the scan treats every expiry as moving together, so a long delta in
 * one expiry against a short delta in another nets to nothing there; the charge adds back the calendar basis risk.
 * - Net deltas are summed per expiry, then per tier into a long total and a short total.
 * - Rates are taken in priority order. Between two tiers, spreads = min(long A, short B) + min(long B, short A); inside
 *   one tier, spreads = min(long, short) (expiries of opposite sign in the tier). Spread delta is used up as formed.
 * - Charge = Σ spreads × charge per spread.
 * @param tierDeltas per tier, the net delta of each expiry in it (units of the underlying or contracts, signed)
 * @param rates spread rates in priority order
 * @throws {RangeError} when a delta or charge is not finite, a charge is negative, or a rate names a missing tier
 * @example spanIntraSpreadCharge([[1], [0], [-1]], [{ tierA: 0, tierB: 2, chargePerSpread: 50 }]).charge // 50
 */
export function spanIntraSpreadCharge(tierDeltas: readonly (readonly number[])[], rates: readonly SpanIntraSpreadRate[]): SpanIntraSpreadCharge {
  const remaining = tierDeltas.map((expiries, t) => {
    let long = 0
    let short = 0
    for (const d of expiries) {
      if (!Number.isFinite(d)) throw new RangeError(`A delta of tier ${t} (${d}) is not a finite number.`)
      if (d > 0) long += d
      else short -= d
    }
    return { long, short }
  })
  const formed: SpanIntraSpreadFormed[] = []
  let charge = 0
  for (const r of rates) {
    const a = remaining[r.tierA]
    const b = remaining[r.tierB]
    if (!a || !b) throw new RangeError(`The spread rate ${r.tierA}/${r.tierB} names a tier that is not there (${remaining.length} tiers).`)
    if (!(r.chargePerSpread >= 0 && Number.isFinite(r.chargePerSpread))) throw new RangeError(`The charge per spread (${r.chargePerSpread}) must be a finite number ≥ 0.`)
    let spreads: number
    if (a === b) {
      spreads = Math.min(a.long, a.short)
      a.long -= spreads
      a.short -= spreads
    } else {
      const ab = Math.min(a.long, b.short)
      a.long -= ab
      b.short -= ab
      const ba = Math.min(b.long, a.short)
      b.long -= ba
      a.short -= ba
      spreads = ab + ba
    }
    if (spreads <= 0) continue
    const c = spreads * r.chargePerSpread
    charge += c
    formed.push({ tierA: r.tierA, tierB: r.tierB, spreads, charge: c })
  }
  return { charge, formed, remaining }
}
