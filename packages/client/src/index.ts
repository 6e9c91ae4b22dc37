export { createClient, type CreateClientParameters, type UnimarginClient } from './createClient.js'
export { UnimarginApiError } from './errors.js'
export type { AccountView, ApiErrorBody, CommandView, GreeksView, HaltedChainView, IntString, LeaseView, ParameterSetView, PositionReportInput, ReadyView, RiskView, StaleChainView } from './types.js'
