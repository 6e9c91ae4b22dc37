export { SPAN_EXTREME_COVER_FRACTION, SPAN_SCENARIO_COUNT, type SpanScenario, spanScenarios } from './scenarios.js'
export { type SpanCommodityDelta, type SpanInterCommodityCredit, type SpanInterSpreadRate, spanInterCommodityCredit } from './spanInterCommodityCredit.js'
export { type SpanIntraSpreadCharge, type SpanIntraSpreadFormed, type SpanIntraSpreadRate, spanIntraSpreadCharge } from './spanIntraSpreadCharge.js'
export {
  resolveSpanParams,
  SPAN_SPECULATOR_INITIAL_RATIO,
  type SpanInterLeg,
  type SpanInterSpread,
  type SpanIntraSpread,
  type SpanParams,
  type SpanParamsInput,
  type SpanTier,
  type SpanUnderlyingParams,
  spanCreditRateFromGrid,
  spanParamsFromGrid,
} from './spanParams.js'
export { type SpanPriceRisk, spanPriceRisk } from './spanPriceRisk.js'
export { type SpanRequirement, type SpanRequirementParameters, spanRequirement } from './spanRequirement.js'
export { type SpanRiskArrayParameters, spanRiskArray } from './spanRiskArray.js'
