export { bookAccount, COVERAGE_BOOKS, type CoverageBook, type CoverageLeg, grossNotionalUsd } from './books.js'
export { christoffersenFromCounts, christoffersenIndependence, type IndependenceTest, type TransitionCounts } from './christoffersen.js'
export { renderCoverageChart } from './coverageChart.js'
export { COVERAGE_MODELS, type CoverageModel, type CoverageSeries, evaluateCoverage, type EvaluateCoverageParameters } from './evaluateCoverage.js'
export { type HourlySeries, loadHourlyCloses } from './hourlyCloses.js'
export { kupiecPof, type LikelihoodRatioTest } from './kupiec.js'
export {
  type CoverageBacktestParameters,
  type CoverageExceedance,
  type CoverageReport,
  COVERAGE_TABLE_HEAD,
  coverageTableRows,
  runCoverageBacktest,
} from './runCoverageBacktest.js'
export { type CoverageStats, poolStats, summarizeSeries, TEST_SIGNIFICANCE } from './summarize.js'
export { type VolatilityPath, type VolatilityPathOptions, volatilityPath } from './volatilityPath.js'
