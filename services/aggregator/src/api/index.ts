export { ApiListenError, type ApiServer, createApi, type CreateApiParameters, serveApi, type ServeApiParameters } from './createApi.js'
export { ApiError, type ApiErrorBody, type ApiIssue } from './errors.js'
