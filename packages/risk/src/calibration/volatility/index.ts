export { VolatilityInputError } from './errors.js'
export { estimateVolatility, SECONDS_PER_YEAR, type VolatilityEstimate, type VolatilityOptions } from './estimateVolatility.js'
export { type EwmaOptions, ewmaStep, ewmaVariance, HOURLY_LAMBDA, RISKMETRICS_DAILY_LAMBDA } from './ewma.js'
export {
  fitGarch11,
  type GarchFit,
  type GarchParams,
  garchFilter,
  garchHorizonVariance,
  garchNegLogLikelihood,
  MIN_GARCH_SAMPLE,
} from './garch.js'
export { type LogReturns, logReturns, type PricePoint, perStepReturns } from './logReturns.js'
export {
  DEFAULT_VOLATILITY_SCALING_BOUNDS,
  MAX_SCALED_DOWN_MOVE,
  type VolatilityDrivenGrid,
  type VolatilityDrivenGridParameters,
  type VolatilityScalingBounds,
  volatilityDrivenGrid,
} from './volatilityDrivenGrid.js'
export { FILTERED_COVERAGE_999, filteredCoverage, MIN_FILTERED_SAMPLE } from './filteredCoverage.js'
