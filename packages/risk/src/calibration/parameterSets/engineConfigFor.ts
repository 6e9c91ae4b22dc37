import type { ScenarioGrid } from '../../scenarios/index.js'
import type { PortfolioParams } from '../../portfolio/types.js'
import { volatilityDrivenGrid } from '../volatility/volatilityDrivenGrid.js'
import type { ParameterSet } from './types.js'

/**
 * Scaling bounds handed to `volatilityDrivenGrid`: wide, because the parameter set's own floor (stressed weight) and
 * per-update steps are the bounds, and they are recorded in `movedBy.bounds`.
 */
const WIDE = { floor: 1e-3, cap: 1e3 }

/**
 * The engine configuration of a parameter set: the base grid with each underlying's moves scaled to
 * `coverage × σ_horizon` (the set's `coverage`, else the grid's `sigmaCoverage`) (`volatilityDrivenGrid`, which also scales vol shocks and collateral size tiers, and keeps
 * any scenario from moving an underlying down by more than 95%), and `diversification.maxCredit` of the set.
 * Pass the result to `createPortfolioEngine({ grid, params, mode })`.
 * @throws {VolatilityInputError} when a σ of the set is not finite and > 0
 */
export function engineConfigFor(set: ParameterSet, base: { grid: ScenarioGrid; params?: PortfolioParams }): { grid: ScenarioGrid; params: PortfolioParams } {
  const scaled = volatilityDrivenGrid({
    grid: base.grid,
    params: base.params,
    sigmaHorizon: set.sigmaHorizon,
    bounds: WIDE,
    ...(set.coverage !== undefined ? { coverage: set.coverage } : {}),
  })
  return { grid: scaled.grid, params: { ...scaled.params, diversification: { maxCredit: set.maxCredit } } }
}
