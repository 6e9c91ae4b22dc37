export { type Aggregator, createAggregator, type CreateAggregatorParameters } from './aggregator/index.js'
export {
  ApiListenError,
  type ApiErrorBody,
  type ApiIssue,
  type ApiServer,
  type CheckpointRow,
  createApi,
  type CreateApiParameters,
  type LiveApiParameters,
  type NodeState,
  nodeStatusView,
  outboxDepth,
  readNodeState,
  serveApi,
  type ServeApiParameters,
} from './api/index.js'
export { AggregatorError, InvalidEventError, PositionReportError, type PositionReportErrorCode } from './common/errors.js'
export { InvalidLimitsError, type SetLimitsParameters, writeSetLimits } from './limits/index.js'
export { commandIdOf, type CommandBody } from './outbox/index.js'
export { type AccountView, getAccountView } from './view/index.js'
export {
  allocateEntitlements,
  buildEscapeTree,
  countEscapeCounters,
  escapeBudgetUsd8,
  escapeRootOf,
  type Entitlement,
  type EscapeAccount,
  type EscapeClaim,
  type EscapeCounters,
  EscapeInputError,
  type EscapeLeaf,
  type EscapePool,
  type EscapeTree,
  InvalidCheckpointError,
  loadEscapeClaims,
  publishCheckpoints,
  type SkippedChain,
  snapshotEscape,
  type VaultSnapshot,
  vaultTokensOf,
  writeCheckpoint,
} from './escape/index.js'
export { readAccount, readBalance } from './ledger/index.js'
export { type RouteLatency, routeLatencies } from './routes/index.js'
export { loadPriceBook, type PriceBook } from './pricing/index.js'
export { type AccountValuation, buildMargin, valueAccount } from './valuation/index.js'
export {
  COMPARED_TABLES,
  compareDerivedState,
  FACT_COMMAND_KINDS,
  type RebuildVerification,
  type ReplayDivergence,
  type ReplayReport,
  replayInputs,
  sentCommandIds,
  type StateDifference,
  verifyRebuild,
} from './rebuild/index.js'
