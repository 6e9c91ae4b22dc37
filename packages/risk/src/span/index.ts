export { SPAN_EXTREME_COVER_FRACTION, SPAN_SCENARIO_COUNT, type SpanScenario, spanScenarios } from './scenarios.js'
export { type SpanRequirement, type SpanRequirementParameters, spanRequirement } from './spanRequirement.js'
export { type SpanRiskArrayParameters, spanRiskArray } from './spanRiskArray.js'
