export { createClient, type CreateClientParameters, type UnimarginClient } from './createClient.js'
export { UnimarginApiError } from './errors.js'
export type { AccountView, ApiErrorBody, CommandView, GreeksView, IntString, PositionReportInput, ReadyView, RiskView } from './types.js'
