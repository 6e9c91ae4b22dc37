export { createClient, type CreateClientParameters, type UnimarginClient } from './createClient.js'
export { UnimarginApiError } from './errors.js'
export type { AccountView, ApiErrorBody, CommandView, IntString, PositionReportInput, ReadyView } from './types.js'
