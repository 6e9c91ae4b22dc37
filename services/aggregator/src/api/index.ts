export { ApiListenError, type ApiServer, createApi, type CreateApiParameters, type LiveApiParameters, serveApi, type ServeApiParameters } from './createApi.js'
export { ApiError, type ApiErrorBody, type ApiIssue } from './errors.js'
export { type CheckpointRow, type NodeState, nodeStatusView, outboxDepth, readNodeState } from './nodeState.js'
