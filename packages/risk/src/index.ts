export {
  type AccountMargin,
  type AccountMarginInput,
  type CollateralItemInput,
  type CollateralItemMargin,
  collateralValueUsd8,
  collateralWeightedUsd8,
  computeAccountMargin,
  formatBps,
  maxWithdrawable,
  type MaxWithdrawableParameters,
  type PositionInput,
  type PositionMargin,
  positionNotionalUsd8,
} from './margin/index.js'
export { abs, BPS, ceilDiv, floorDiv, max, min, SIZE_SCALE } from './math.js'
export {
  type ClosedPosition,
  closePositions,
  type LiquidationCollateralInput,
  type LiquidationMarginFunction,
  type LiquidationPlan,
  type PlanLiquidationParameters,
  type PlannedSeizure,
  planLiquidation,
  seizeCollateral,
  seizureOrder,
} from './liquidation/index.js'
export { type Black76Parameters, black76, type BlackScholesMertonParameters, blackScholesMerton, type Greeks, MIN_SURFACE_VOL, normCdf, normPdf, type OptionRight, surfaceVol, type VolSurface } from './pricing/index.js'
export {
  resolveSpanParams,
  SPAN_EXTREME_COVER_FRACTION,
  SPAN_SCENARIO_COUNT,
  SPAN_SPECULATOR_INITIAL_RATIO,
  type SpanInterSpread,
  type SpanIntraSpread,
  type SpanParams,
  type SpanParamsInput,
  type SpanRequirement,
  type SpanRequirementParameters,
  type SpanRiskArrayParameters,
  type SpanScenario,
  type SpanTier,
  type SpanUnderlyingParams,
  spanCreditRateFromGrid,
  spanInterCommodityCredit,
  spanIntraSpreadCharge,
  spanParamsFromGrid,
  spanPriceRisk,
  spanRequirement,
  spanRiskArray,
  spanScenarios,
} from './span/index.js'
export * from './portfolio/index.js'
export * from './scenarios/index.js'
export * from './calibration/index.js'
export * from './derive/index.js'
