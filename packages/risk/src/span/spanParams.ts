import { InvalidParamsError } from '../portfolio/errors.js'
import type { ScenarioGrid } from '../scenarios/index.js'
import { SPAN_EXTREME_COVER_FRACTION } from './scenarios.js'

/**
 * One expiry tier of a combined commodity: the expiries up to `upToDays` days away (perpetuals count as 0 days).
 * CME SPAN groups consecutive contract months into tiers for intra-commodity spreading (CME Group, *CME SPAN
 * Methodology Overview*, "Intra-Commodity Spread Charges"; PC-SPAN report "Intracommodity Spreading Tier
 * Requirements": "a tier is a set of consecutive contract expirations for one Combined Commodity").
 */
export type SpanTier = {
  /** upper bound of the tier, days to expiry, inclusive; null = unbounded (the last tier, and only it) */
  upToDays: number | null
  /**
   * price scan range of the tier's instruments, fraction of the forward; defaults to the underlying's. CME quotes
   * outright rates per month group ("Mnth 1", "Mnths 3-6"), which is what a per-tier range expresses.
   */
  priceScanRange?: number
}

/**
 * A delta-based intra-commodity (calendar) spread between two tiers (the same tier twice = spreads inside the tier,
 * between its expiries). Each spread is one unit of delta long in one tier against one unit short in the other.
 */
export type SpanIntraSpread = {
  /** 1-based tier numbers; order in `intraSpreads` is the spread priority */
  tierA: number
  tierB: number
  /** charge per spread, fraction of the underlying's spot per unit of spread delta (CME: dollars per spread) */
  chargeRate: number
}

/** Per underlying ("combined commodity") SPAN parameters. */
export type SpanUnderlyingParams = {
  /** price scan range, fraction of the forward (0.1 = ±10% at scenarios 11-14), > 0 */
  priceScanRange: number
  /** volatility scan range up, relative to the implied vol (0.5 = vol × 1.5), ≥ 0 */
  volScanUp: number
  /** volatility scan range down, relative (0.25 = vol × 0.75), 0 ≤ x < 1 */
  volScanDown: number
  /** extreme move of scenarios 15-16 as a multiple of the price scan range (CME's original: 2), counted at 35% */
  extremeMultiple: number
  /** short option minimum, fraction of spot per unit of short option (CME: dollars per short option) */
  shortOptionMinimumRate: number
  /** expiry tiers, sorted, the last unbounded */
  tiers: SpanTier[]
  /** intra-commodity spreads in priority order */
  intraSpreads: SpanIntraSpread[]
}

/** One leg of an inter-commodity spread: the underlying and its delta per spread (CME "delta/spread ratio"). */
export type SpanInterLeg = {
  underlying: string
  /** units of the underlying's delta in one spread, > 0 */
  deltaPerSpread: number
}

/**
 * A delta-based inter-commodity spread (CME SPAN record type 6, "Spread Credit Rate, in percent" and "Delta/Spread
 * Ratio" per leg): legs of opposite delta sign form spreads; each leg is credited `creditRate` × its weighted
 * price risk per delta × the delta it spreads.
 */
export type SpanInterSpread = {
  legs: readonly [SpanInterLeg, SpanInterLeg]
  /** credit rate, fraction 0..1 (CME's example Corn vs Soybeans: 55%) */
  creditRate: number
}

/** The SPAN mode's parameters. */
export type SpanParams = {
  /** by underlying; `*` for every other, required */
  underlyings: Readonly<Record<string, SpanUnderlyingParams>>
  /** inter-commodity spreads in priority order */
  interSpreads: readonly SpanInterSpread[]
  /**
   * IM = MM × this ratio, ≥ 1. CME sets speculators' initial requirement at 110% of maintenance and hedgers' and
   * members' at 100% (CME Clearing advisories 13-479, 2013-10-11, and 15-030, 2015-01-29: e.g. "MTF Spec Month 1"
   * initial 3,300 against maintenance 3,000; "Hedge/Member" 3,000 / 3,000); before that, 135% for speculators
   * (2011-02-17 advisory: "MGC Spec" initial 81 against maintenance 60). Default 1.1.
   */
  initialToMaintenance: number
  /**
   * Published risk arrays by instrument key (`instrumentKey`), used instead of the model revaluation: the exchange's
   * loss per contract in the 16 scenarios (loss positive, 15-16 already at 35%) and the units of underlying per contract.
   */
  publishedArrays?: Readonly<Record<string, { unitsPerContract: number; lossPerContract: readonly number[] }>>
}

/** What a caller may set: any underlying's fields, any top-level key; the rest comes from `spanParamsFromGrid`. */
export type SpanParamsInput = {
  underlyings?: Readonly<Record<string, Partial<SpanUnderlyingParams>>>
  interSpreads?: readonly SpanInterSpread[]
  initialToMaintenance?: number
  publishedArrays?: SpanParams['publishedArrays']
}

/** CME's initial-to-maintenance ratio for speculators since 2013 (see `SpanParams.initialToMaintenance`). */
export const SPAN_SPECULATOR_INITIAL_RATIO = 1.1

/**
 * Defaults of the SPAN mode derived from a scenario grid, so that SPAN and portfolio margin size the same market:
 * - price scan range = the grid's `maxMove` of the underlying (its core edge: the 99.9% quantile of 4-hour moves);
 * - vol scan ranges = the grid's `volUp` / `volDown` at the 30-day reference (SPAN applies no term scaling);
 * - extreme multiple = the largest spot multiple of the grid's scenarios counted at 35% (SPAN's 15-16; 2 by default);
 * - short option minimum = the grid's `nakedShortOptionPerStrike` (fraction of spot per short option);
 * - tiers: perps and expiries ≤ 30 days, ≤ 90 days, beyond; every tier pair (inside a tier too) spreads at the
 *   grid's per-contract minimum of a perp plus that of a future: the contingency portfolio mode charges a perp
 *   hedged by a future, here charged per unit of spread delta;
 * - no inter-commodity spreads (they need delta ratios; see `spanCreditRateFromGrid` for a rate);
 * - initial = 1.1 × maintenance.
 * @param grid validated scenario grid (`defaultScenarioGrid()`)
 */
export function spanParamsFromGrid(grid: ScenarioGrid): SpanParams {
  const extremes = grid.scenarios.filter((s) => s.weight === SPAN_EXTREME_COVER_FRACTION).flatMap((s) => Object.values(s.spot).map(Math.abs))
  const extremeMultiple = extremes.length > 0 ? Math.max(...extremes) : 2
  const c = grid.contingencies
  const intraRate = c.perContract.perp + c.perContract.future
  const tiers: SpanTier[] = [{ upToDays: 30 }, { upToDays: 90 }, { upToDays: null }]
  const intraSpreads: SpanIntraSpread[] = []
  for (let a = 1; a <= tiers.length; a++) for (let b = a; b <= tiers.length; b++) intraSpreads.push({ tierA: a, tierB: b, chargeRate: intraRate })
  const underlyings: Record<string, SpanUnderlyingParams> = {}
  for (const [u, p] of Object.entries(grid.underlyings)) {
    underlyings[u] = {
      priceScanRange: p.maxMove,
      volScanUp: p.volUp,
      volScanDown: p.volDown,
      extremeMultiple,
      shortOptionMinimumRate: c.nakedShortOptionPerStrike,
      tiers: tiers.map((t) => ({ ...t })),
      intraSpreads: intraSpreads.map((s) => ({ ...s })),
    }
  }
  return { underlyings, interSpreads: [], initialToMaintenance: SPAN_SPECULATOR_INITIAL_RATIO }
}

/**
 * A credit rate for an inter-commodity spread between `a` and `b` from the grid's decorrelation scenario, in which
 * the two move apart by d_a·m_a + d_b·m_b (decorrelation × maxMove) against m_a + m_b for the two outright moves:
 * rate = 1 − (d_a·m_a + d_b·m_b) / (m_a + m_b), clamped to 0..1 (BTC/ETH in the default grid: 0.7).
 */
export function spanCreditRateFromGrid(grid: ScenarioGrid, a: string, b: string): number {
  const pa = grid.underlyings[a] ?? grid.underlyings['*']!
  const pb = grid.underlyings[b] ?? grid.underlyings['*']!
  const rate = 1 - (pa.decorrelation * pa.maxMove + pb.decorrelation * pb.maxMove) / (pa.maxMove + pb.maxMove)
  return Math.min(1, Math.max(0, rate))
}

/**
 * Grid defaults overridden by `input` (an underlying's fields one by one over its grid defaults, or over `*`'s for an
 * underlying the grid does not list), validated.
 * @throws {InvalidParamsError} when a scan range, rate or ratio is out of range, the tiers are unsorted or do not end
 *   with exactly one unbounded tier, a spread names a missing tier or underlying side, or a published array is not
 *   16 finite values
 */
export function resolveSpanParams(grid: ScenarioGrid, input: SpanParamsInput = {}): SpanParams {
  const base = spanParamsFromGrid(grid)
  const underlyings: Record<string, SpanUnderlyingParams> = { ...base.underlyings }
  for (const [u, over] of Object.entries(input.underlyings ?? {})) underlyings[u] = { ...(base.underlyings[u] ?? base.underlyings['*']!), ...over }
  const params: SpanParams = {
    underlyings,
    interSpreads: input.interSpreads ?? base.interSpreads,
    initialToMaintenance: input.initialToMaintenance ?? base.initialToMaintenance,
  }
  if (input.publishedArrays) params.publishedArrays = input.publishedArrays
  if (!underlyings['*']) throw new InvalidParamsError('The SPAN parameters need a `*` underlying.')
  for (const [u, p] of Object.entries(underlyings)) checkUnderlying(u, p)
  params.interSpreads.forEach((s, k) => {
    if (!(s.creditRate >= 0 && s.creditRate <= 1)) throw new InvalidParamsError(`Inter-commodity spread ${k + 1}: the credit rate (${s.creditRate}) must be within 0..1.`)
    if (s.legs.length !== 2 || s.legs[0].underlying === s.legs[1].underlying) throw new InvalidParamsError(`Inter-commodity spread ${k + 1} needs two legs on different underlyings.`)
    for (const leg of s.legs) {
      if (!(leg.deltaPerSpread > 0 && Number.isFinite(leg.deltaPerSpread))) throw new InvalidParamsError(`Inter-commodity spread ${k + 1}: the delta per spread of ${leg.underlying} (${leg.deltaPerSpread}) must be > 0.`)
    }
  })
  const r = params.initialToMaintenance
  if (!(r >= 1 && Number.isFinite(r))) throw new InvalidParamsError(`The initial-to-maintenance ratio (${r}) must be a finite number ≥ 1.`)
  for (const [key, a] of Object.entries(params.publishedArrays ?? {})) {
    if (!(a.unitsPerContract > 0 && Number.isFinite(a.unitsPerContract))) throw new InvalidParamsError(`The published array of ${key} needs units per contract > 0.`)
    if (a.lossPerContract.length !== 16 || !a.lossPerContract.every(Number.isFinite)) throw new InvalidParamsError(`The published array of ${key} must hold 16 finite values.`)
  }
  return params
}

function checkUnderlying(u: string, p: SpanUnderlyingParams): void {
  const fail = (what: string) => {
    throw new InvalidParamsError(`SPAN parameters of ${u}: ${what}.`)
  }
  if (!(p.priceScanRange > 0 && p.priceScanRange < 1)) fail(`the price scan range (${p.priceScanRange}) must be within (0, 1)`)
  if (!(p.volScanUp >= 0 && Number.isFinite(p.volScanUp))) fail(`the vol scan range up (${p.volScanUp}) must be ≥ 0`)
  if (!(p.volScanDown >= 0 && p.volScanDown < 1)) fail(`the vol scan range down (${p.volScanDown}) must be within [0, 1)`)
  if (!(p.extremeMultiple > 0 && p.extremeMultiple * p.priceScanRange < 1)) fail(`the extreme move (${p.extremeMultiple} × the scan range) must be > 0 and below 100%`)
  if (!(p.shortOptionMinimumRate >= 0 && Number.isFinite(p.shortOptionMinimumRate))) fail(`the short option minimum (${p.shortOptionMinimumRate}) must be ≥ 0`)
  if (p.tiers.length === 0) fail('no tiers')
  let prev = -1
  p.tiers.forEach((t, k) => {
    const last = k === p.tiers.length - 1
    if (last !== (t.upToDays === null)) fail('the tiers must end, and only end, with an unbounded tier')
    if (t.upToDays !== null && !(t.upToDays > prev)) fail('the tiers must grow')
    if (t.priceScanRange !== undefined && !(t.priceScanRange > 0 && t.priceScanRange * p.extremeMultiple < 1)) fail(`tier ${k + 1}'s price scan range (${t.priceScanRange}) is out of range`)
    prev = t.upToDays ?? prev
  })
  for (const s of p.intraSpreads) {
    const ok = (t: number) => Number.isInteger(t) && t >= 1 && t <= p.tiers.length
    if (!ok(s.tierA) || !ok(s.tierB)) fail(`the intra-commodity spread ${s.tierA}/${s.tierB} names a missing tier`)
    if (!(s.chargeRate >= 0 && Number.isFinite(s.chargeRate))) fail(`the intra-commodity charge ${s.tierA}/${s.tierB} (${s.chargeRate}) must be ≥ 0`)
  }
}
