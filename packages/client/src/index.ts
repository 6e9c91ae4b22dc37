export { createClient, type CreateClientParameters, type UnimarginClient } from './createClient.js'
export { UnimarginApiError } from './errors.js'
export type {
  AccountView,
  ApiErrorBody,
  ChainStatusView,
  CommandView,
  GreeksView,
  HaltedChainView,
  IntString,
  LeaseView,
  NodeStatusView,
  ParameterSetView,
  PositionReportInput,
  ReadyView,
  RiskView,
  StaleChainView,
} from './types.js'
