import { DEFAULT_PORTFOLIO_PARAMS, resolveParams } from '../../portfolio/engine/defaultParams.js'
import type { PortfolioParams } from '../../portfolio/types.js'
import { parseScenarioGrid } from '../../scenarios/parseScenarioGrid.js'
import type { ScenarioGrid, UnderlyingScenarioParams } from '../../scenarios/types.js'
import { VolatilityInputError } from './errors.js'

/** Bounds of the volatility scaling. */
export type VolatilityScalingBounds = {
  /** smallest ratio applied (quiet markets never shrink the grid below this share of the base); default 0.5 */
  floor: number
  /** largest ratio applied; default 3 */
  cap: number
}

/** Default bounds: the grid never falls below half its base moves nor grows past three times them. */
export const DEFAULT_VOLATILITY_SCALING_BOUNDS: VolatilityScalingBounds = { floor: 0.5, cap: 3 }

/** Largest fraction any scenario may move a price down after scaling (a price must stay > 0 in every scenario). */
export const MAX_SCALED_DOWN_MOVE = 0.95

/** Inputs of {@link volatilityDrivenGrid}. */
export type VolatilityDrivenGridParameters = {
  /** the static grid to scale (e.g. `defaultScenarioGrid()`); not modified */
  grid: ScenarioGrid
  /** engine params whose collateral size tiers are scaled; default {@link DEFAULT_PORTFOLIO_PARAMS}; not modified */
  params?: PortfolioParams
  /** realised σ of the log return over `grid.horizonSeconds`, per underlying (e.g. `estimateVolatility(...).sigmaHorizon`) */
  sigmaHorizon: Readonly<Record<string, number>>
  /**
   * how many σ the core move stands for; default `grid.sigmaCoverage` (3.29, the two-sided normal 99.9% quantile the
   * static moves were sized at). A filtered-historical quantile of standardised moves can be passed instead.
   */
  coverage?: number
  /** σ over the horizon the base grid stands for, per underlying; default `maxMove / coverage` of the base grid */
  referenceSigma?: Readonly<Record<string, number>>
  bounds?: VolatilityScalingBounds
}

/** A volatility-driven grid and params, with the ratio applied per underlying. */
export type VolatilityDrivenGrid = {
  grid: ScenarioGrid
  params: PortfolioParams
  /** ratio applied per underlying: clamp(σ / σ_ref, floor, cap), lowered if a move would pass 95% down */
  ratios: Record<string, number>
}

/**
 * Derives a volatility-driven grid from a base grid and realised vols. Per underlying u with realised σ_u (horizon):
 * - target core move `coverage·σ_u` (the grid's own coverage, so at the reference vol the base grid comes back);
 *   ratio `k_u = clamp(σ_u / σ_ref,u, floor, cap)`, σ_ref,u (the vol the base grid stands for) defaulting to
 *   `maxMove_u / coverage`, further lowered so no scenario (core, named, decorrelation) moves u down by more than
 *   {@link MAX_SCALED_DOWN_MOVE};
 * - `maxMove_u ← k_u·maxMove_u` (so unclamped, maxMove = coverage × σ_horizon); the decorrelation and named moves
 *   are multiples of it and follow;
 * - vol shocks `volUp ← k_u·volUp`, `volDown ← min(k_u·volDown, 0.95)` (a fast market also moves implied vol more);
 * - collateral size-tier add-ons of symbol u (its own table, or `*` copied to u) `addBps ← min(10 000, ⌈k_u·addBps⌉)`
 *   (a larger holding takes longer to sell, and the loss while selling grows with vol).
 * Underlyings not in the grid start from `*`. Nothing else changes (contingencies, weights, multipliers).
 * @returns a new grid (validated by `parseScenarioGrid`) and params (validated by `resolveParams`); inputs untouched
 * @throws {VolatilityInputError} when a σ is not finite and > 0, coverage ≤ 0, or bounds are not 0 < floor ≤ cap
 * @example volatilityDrivenGrid({ grid: defaultScenarioGrid(), sigmaHorizon: { BTC: 0.015 } }).grid.underlyings.BTC.maxMove
 *   // 0.05 (floor 0.5 × 0.1: 3.29 × 0.015 = 0.049 is below it)
 */
export function volatilityDrivenGrid(p: VolatilityDrivenGridParameters): VolatilityDrivenGrid {
  const base = p.grid
  const params = p.params ?? DEFAULT_PORTFOLIO_PARAMS
  const coverage = p.coverage ?? base.sigmaCoverage
  const bounds = p.bounds ?? DEFAULT_VOLATILITY_SCALING_BOUNDS
  if (!(coverage > 0 && Number.isFinite(coverage))) throw new VolatilityInputError('coverage', `expected > 0, got ${coverage}`)
  if (!(bounds.floor > 0 && bounds.cap >= bounds.floor && Number.isFinite(bounds.cap))) {
    throw new VolatilityInputError('bounds', `expected 0 < floor ≤ cap, got ${bounds.floor} and ${bounds.cap}`)
  }
  const underlyings: Record<string, UnderlyingScenarioParams> = structuredClone(base.underlyings)
  const sizeTiers: Record<string, { aboveUsd: number; addBps: number }[]> = {}
  for (const [s, tiers] of Object.entries(params.collateral.sizeTiers)) sizeTiers[s] = tiers.map((t) => ({ ...t }))
  const ratios: Record<string, number> = {}
  for (const [u, sigma] of Object.entries(p.sigmaHorizon)) {
    if (!(sigma > 0 && Number.isFinite(sigma))) throw new VolatilityInputError(`sigmaHorizon.${u}`, `expected a finite σ > 0, got ${sigma}`)
    if (u === '*') throw new VolatilityInputError('sigmaHorizon.*', 'name an underlying, not the default entry')
    const from = base.underlyings[u] ?? base.underlyings['*']!
    const ref = p.referenceSigma?.[u] ?? from.maxMove / coverage
    if (!(ref > 0 && Number.isFinite(ref))) throw new VolatilityInputError(`referenceSigma.${u}`, `expected a finite σ > 0, got ${ref}`)
    const k = Math.min(Math.max(sigma / ref, bounds.floor), bounds.cap, MAX_SCALED_DOWN_MOVE / (worstDownMultiple(base, u, from) * from.maxMove))
    ratios[u] = k
    underlyings[u] = { ...from, maxMove: k * from.maxMove, volUp: k * from.volUp, volDown: Math.min(k * from.volDown, 0.95) }
    const tiers = params.collateral.sizeTiers[u] ?? params.collateral.sizeTiers['*']
    if (tiers) sizeTiers[u] = tiers.map((t) => ({ aboveUsd: t.aboveUsd, addBps: Math.min(10_000, Math.ceil(k * t.addBps - 1e-9)) }))
  }
  const grid = parseScenarioGrid({ ...structuredClone(base), underlyings })
  const out = resolveParams({ ...params, collateral: { ...params.collateral, sizeTiers } })
  return { grid, params: out, ratios }
}

/** The largest multiple of maxMove by which any scenario of the grid moves `u` down (≥ 1 when the core has −1). */
function worstDownMultiple(grid: ScenarioGrid, u: string, params: UnderlyingScenarioParams): number {
  let worst = Math.max(0, -Math.min(...grid.core.spotSteps), params.decorrelation)
  for (const s of grid.scenarios) worst = Math.max(worst, -(s.spot[u] ?? s.spot['*'] ?? 0))
  return worst > 0 ? worst : 1
}
