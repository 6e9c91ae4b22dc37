export {
  type AccountOptions,
  type AccountReview,
  accountRisk,
  openAccount,
  openBook,
  reviewAccount,
  type StressAccount,
} from './account.js'
export { type CapitalRequirement, capitalRequired } from './capital.js'
export {
  type CapitalRow,
  capitalTable,
  capitalTableHead,
  capitalTableRows,
} from './capitalTable.js'
export {
  type CascadeParameters,
  type CascadeResult,
  runCascade,
} from './cascade.js'
export * from './coverage/index.js'
export {
  HEALTH_FLOOR,
  healthDomain,
  healthSeries,
  renderStressChart,
} from './chart.js'
export {
  DEFAULT_IMPACT_COEFFICIENT,
  DEFAULT_PERMANENT_SHARE,
  type ImpactParameters,
  squareRootImpact,
} from './impact.js'
export {
  allocateIsolated,
  allocationCash,
  DEFAULT_ISOLATED_FREE_SHARE_BPS,
  withAllocations,
} from './isolated.js'
export {
  type LiquidationOptions,
  type LiquidationResult,
  liquidate,
} from './liquidate.js'
export { type Liquidity, windowLiquidity } from './liquidity.js'
export {
  type MarketOptions,
  markCollateral,
  marketAt,
  windowSurfaces,
} from './market.js'
export {
  type PopulationParameters,
  samplePopulation,
  seededUniform,
} from './population.js'
export {
  SAMPLE_PORTFOLIOS,
  type SamplePortfolio,
  usdc,
  wrapped,
} from './portfolios.js'
export {
  type ReplayOptions,
  replay,
  type StressLiquidation,
  type StressPoint,
  type StressRun,
} from './replay.js'
export {
  CASCADE_TABLE_HEAD,
  cascadeTableRows,
  runStressSuite,
  STRESS_TABLE_HEAD,
  type StressReport,
  type StressSuiteParameters,
  stressTableRows,
} from './report.js'
export { windowWarnings } from './warnings.js'
export {
  listCrashWindows,
  loadCrashWindow,
  type PriceWindow,
} from './windows.js'
