import { spanInterCommodityCredit } from '../../span/spanInterCommodityCredit.js'
import { spanIntraSpreadCharge } from '../../span/spanIntraSpreadCharge.js'
import type { SpanParams, SpanUnderlyingParams } from '../../span/spanParams.js'
import { spanPriceRisk } from '../../span/spanPriceRisk.js'
import { spanRequirement } from '../../span/spanRequirement.js'
import type { MarketState } from '../types.js'
import type { NettedPosition } from './nettedPosition.js'
import { spanInstrumentArray } from './spanInstrumentArray.js'

const DAY_MS = 24 * 3600 * 1000

/** One underlying's SPAN figures (a "combined commodity"), USD floats before the account's rounding. */
export type SpanCommodityRisk = {
  underlying: string
  /** summed loss (+) in each of the 16 scenarios, USD */
  scenarioLossesUsd: number[]
  /** largest scenario loss, ≥ 0 */
  scanRiskUsd: number
  /** 1-based CME scenario number of the scan risk; null when no scenario loses */
  worstScenario: number | null
  /** intra-commodity (calendar) spread charge */
  intraChargeUsd: number
  /** inter-commodity spread credit */
  interCreditUsd: number
  /** short option minimum: short option units × rate × spot */
  shortOptionMinimumUsd: number
  /** max(scan + intra − inter, short option minimum), ≥ 0: this underlying's maintenance requirement */
  requirementUsd: number
  /** net delta, units of the underlying */
  netDelta: number
}

/** The SPAN side of one account. */
export type SpanAccountRequirement = {
  /** Σ per-underlying requirements, USD (maintenance) */
  mm: number
  /** Σ |qty|·(|value| + spot): the scale of the float sums, for the rounding slack */
  gross: number
  /** maintenance share of each netted position (index-aligned with the input), USD, summing to `mm` */
  perPosition: number[]
  /** per underlying, sorted by name */
  commodities: SpanCommodityRisk[]
}

type Group = {
  p: SpanUnderlyingParams
  spot: number
  members: number[]
  arrays: (readonly number[])[]
  /** in the arrays' units (contracts for a published array) */
  quantities: number[]
  /** |quantity| in units of the underlying */
  units: number[]
  tiers: Map<string, number>[]
  netDelta: number
  shortOptionUnits: number
}

/**
 * SPAN requirement of an account (CME Group, *CME SPAN Methodology Overview*), per underlying ("combined commodity"):
 * 1. scan risk: each netted position's 16-scenario risk array (`spanInstrumentArray`) × its quantity, summed; the
 *    largest loss (futures of every expiry net here, as SPAN's scan assumes they move together);
 * 2. intra-commodity spread charge (`spanIntraSpreadCharge`): deltas per expiry, grouped by the underlying's tiers,
 *    spreads in priority order, charge per spread = tier pair's `chargeRate` × spot;
 * 3. inter-commodity credit (`spanInterCommodityCredit`) after the scan, on the price risk (`spanPriceRisk`);
 * 4. short option minimum = short option units × `shortOptionMinimumRate` × spot;
 * requirement = max(scan + intra − inter, short option minimum) (`spanRequirement`); the account's maintenance is
 * the sum over underlyings. Each underlying's requirement is shared among its positions by their loss in its worst
 * scenario (by |quantity| when none loses there). Deltas are Black-76 deltas at the current market (CME uses a
 * composite delta, weighted over the scan points). Pure float64.
 * @param positions netted positions with a non-zero quantity
 */
export function spanAccountRequirement(positions: readonly NettedPosition[], params: SpanParams, market: MarketState): SpanAccountRequirement {
  const groups = new Map<string, Group>()
  let gross = 0
  positions.forEach(({ risk, qty }, k) => {
    const inst = risk.instrument
    const u = inst.underlying
    let g = groups.get(u)
    if (!g) {
      const p = params.underlyings[u] ?? params.underlyings['*']!
      g = { p, spot: risk.valuation.spot, members: [], arrays: [], quantities: [], units: [], tiers: p.tiers.map(() => new Map()), netDelta: 0, shortOptionUnits: 0 }
      groups.set(u, g)
    }
    const days = inst.kind === 'perp' ? 0 : Math.max(0, (inst.expiryMs - market.nowMs) / DAY_MS)
    const tier = g.p.tiers.findIndex((t) => t.upToDays === null || days <= t.upToDays)
    const scanRange = g.p.tiers[tier]!.priceScanRange ?? g.p.priceScanRange
    g.members.push(k)
    const array = spanInstrumentArray(risk, g.p, scanRange, market.rate, params.publishedArrays)
    g.arrays.push(array.loss)
    g.quantities.push(qty / array.units)
    g.units.push(Math.abs(qty))
    const delta = qty * risk.valuation.greeks.delta
    const expiry = inst.kind === 'perp' ? 'perp' : String(inst.expiryMs)
    g.tiers[tier]!.set(expiry, (g.tiers[tier]!.get(expiry) ?? 0) + delta)
    g.netDelta += delta
    if (inst.kind === 'option' && qty < 0) g.shortOptionUnits -= qty
    gross += Math.abs(qty) * (Math.abs(risk.valuation.value) + risk.valuation.spot)
  })

  const names = [...groups.keys()].sort()
  const scans = new Map(names.map((u) => [u, spanRequirement({ riskArrays: groups.get(u)!.arrays, quantities: groups.get(u)!.quantities, sign: 'loss-positive' })]))
  const intra = new Map(
    names.map((u) => {
      const g = groups.get(u)!
      const rates = g.p.intraSpreads.map((s) => ({ tierA: s.tierA - 1, tierB: s.tierB - 1, chargePerSpread: s.chargeRate * g.spot }))
      return [u, spanIntraSpreadCharge(g.tiers.map((t) => [...t.values()]), rates).charge]
    }),
  )
  const inter = spanInterCommodityCredit(
    Object.fromEntries(names.map((u) => {
      const s = scans.get(u)!
      return [u, { priceRisk: spanPriceRisk(s.scenarioLosses, s.scanRisk, s.worstScenario).priceRisk, netDelta: groups.get(u)!.netDelta }]
    })),
    params.interSpreads.map((s) => ({ creditRate: s.creditRate, legs: [{ commodity: s.legs[0].underlying, deltaPerSpread: s.legs[0].deltaPerSpread }, { commodity: s.legs[1].underlying, deltaPerSpread: s.legs[1].deltaPerSpread }] as const })),
  )

  const perPosition = new Array<number>(positions.length).fill(0)
  let mm = 0
  const commodities = names.map((u): SpanCommodityRisk => {
    const g = groups.get(u)!
    const scan = scans.get(u)!
    const shortOptionMinimumUsd = g.shortOptionUnits * g.p.shortOptionMinimumRate * g.spot
    const interCreditUsd = inter.credits[u] ?? 0
    const r = spanRequirement({
      riskArrays: [scan.scenarioLosses],
      sign: 'loss-positive',
      spreadCharge: intra.get(u)!,
      interCommodityCredit: interCreditUsd,
      shortOptionMinimum: shortOptionMinimumUsd,
    })
    mm += r.requirement
    share(r.requirement, g, scan.worstScenario, perPosition)
    return {
      underlying: u,
      scenarioLossesUsd: scan.scenarioLosses,
      scanRiskUsd: scan.scanRisk,
      worstScenario: scan.worstScenario,
      intraChargeUsd: intra.get(u)!,
      interCreditUsd,
      shortOptionMinimumUsd,
      requirementUsd: r.requirement,
      netDelta: g.netDelta,
    }
  })
  return { mm, gross, perPosition, commodities }
}

/** Shares an underlying's requirement among its positions by their loss in its worst scenario (else by |units|). */
function share(requirement: number, g: Group, worst: number | null, out: number[]): void {
  let weights = g.members.map((_, i) => (worst === null ? 0 : Math.max(0, g.quantities[i]! * g.arrays[i]![worst - 1]!)))
  if (!(weights.reduce((a, b) => a + b, 0) > 0)) weights = g.units
  const total = weights.reduce((a, b) => a + b, 0)
  g.members.forEach((k, i) => {
    out[k] = total > 0 ? (requirement * weights[i]!) / total : 0
  })
}
