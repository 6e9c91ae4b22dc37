/** What the inter-commodity step reads of one combined commodity. */
export type SpanCommodityDelta = {
  /** price risk after the scan (`spanPriceRisk`), currency, ≥ 0 */
  priceRisk: number
  /** net delta after intra-commodity spreading (units of the underlying or contracts, signed) */
  netDelta: number
}

/** A delta-based inter-commodity spread, in priority order. */
export type SpanInterSpreadRate = {
  legs: readonly [{ commodity: string; deltaPerSpread: number }, { commodity: string; deltaPerSpread: number }]
  /** credit rate, fraction 0..1 */
  creditRate: number
}

export type SpanInterCommodityCredit = {
  /** credit per commodity, currency, ≥ 0 (0 for a commodity in no spread) */
  credits: Record<string, number>
  /** spreads formed per rate, in the order of `rates` */
  spreads: number[]
  /** delta left per commodity after spreading, signed */
  remaining: Record<string, number>
}

/**
 * Inter-commodity spread credits, delta-based, as CME SPAN gives them (CME Group, *CME SPAN Methodology Overview*,
 * "Inter-Commodity Spread Credits"; worked example in CME Group, *Margins: Spread Calculations*, "Inter Spread
 * Calculations": Corn vs Soybeans 2:1 at 55% credits 3,300 of an outright 6,000):
 * - weighted futures price risk of a commodity = price risk / |net delta| (the risk per unit of delta);
 * - rates in priority order; legs must hold delta of opposite signs (long one, short the other);
 *   spreads = min over legs of |delta left| / delta per spread; each leg uses spreads × its delta per spread;
 * - credit of each leg = credit rate × weighted futures price risk × delta it spreads.
 * A commodity's credits so never exceed its price risk (its spread delta never exceeds its net delta).
 * @param commodities by name
 * @param rates spreads in priority order; a leg on a commodity not in `commodities` forms no spread
 * @throws {RangeError} when a rate is outside 0..1, a delta per spread is not > 0, or a figure is not finite
 * @example spanInterCommodityCredit({ C: { priceRisk: 3500, netDelta: 2 }, S: { priceRisk: 2500, netDelta: -1 } },
 *   [{ legs: [{ commodity: 'C', deltaPerSpread: 2 }, { commodity: 'S', deltaPerSpread: 1 }], creditRate: 0.55 }]) // 1925 + 1375
 */
export function spanInterCommodityCredit(commodities: Readonly<Record<string, SpanCommodityDelta>>, rates: readonly SpanInterSpreadRate[]): SpanInterCommodityCredit {
  const credits: Record<string, number> = {}
  const remaining: Record<string, number> = {}
  const weighted: Record<string, number> = {}
  for (const [name, c] of Object.entries(commodities)) {
    if (!Number.isFinite(c.netDelta) || !(c.priceRisk >= 0 && Number.isFinite(c.priceRisk))) {
      throw new RangeError(`The price risk (${c.priceRisk}) or net delta (${c.netDelta}) of ${name} is not valid.`)
    }
    credits[name] = 0
    remaining[name] = c.netDelta
    weighted[name] = c.netDelta === 0 ? 0 : c.priceRisk / Math.abs(c.netDelta)
  }
  const spreads = rates.map((r) => {
    if (!(r.creditRate >= 0 && r.creditRate <= 1)) throw new RangeError(`The credit rate (${r.creditRate}) must be within 0..1.`)
    for (const leg of r.legs) if (!(leg.deltaPerSpread > 0 && Number.isFinite(leg.deltaPerSpread))) throw new RangeError(`The delta per spread of ${leg.commodity} (${leg.deltaPerSpread}) must be > 0.`)
    const [a, b] = r.legs
    const da = remaining[a.commodity]
    const db = remaining[b.commodity]
    if (da === undefined || db === undefined || da === 0 || db === 0 || Math.sign(da) === Math.sign(db)) return 0
    const n = Math.min(Math.abs(da) / a.deltaPerSpread, Math.abs(db) / b.deltaPerSpread)
    for (const leg of r.legs) {
      const used = n * leg.deltaPerSpread
      const left = remaining[leg.commodity]!
      remaining[leg.commodity] = Math.sign(left) * Math.max(0, Math.abs(left) - used) + 0 // no −0
      credits[leg.commodity]! += r.creditRate * weighted[leg.commodity]! * used
    }
    return n
  })
  return { credits, spreads, remaining }
}
