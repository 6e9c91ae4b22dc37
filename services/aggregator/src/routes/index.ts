export { type BufferedMargin, latencyBuffer, liquidationBufferFor, withdrawalBufferFor } from './buffers.js'
export { percentile, type RouteLatency, routeLatencies, seedLatencyMs } from './latency.js'
