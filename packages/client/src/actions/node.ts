import { type Transport, unwrap } from '../transport.js'
import type { NodeStatusView, ReadyView, RiskParametersView, RoutesView } from '../types.js'

export type NodeActions = {
  /** Liveness (`GET /health`): resolves while the node serves requests. */
  health: () => Promise<{ status: 'ok' }>
  /** Whether the hub has a checkpoint on every chain, none halted or stale, and no late event (`GET /ready`; never throws on 503). */
  ready: () => Promise<ReadyView>
  /** Per chain finality, head, checkpoint, lag, halt and waiting events, and the outbox's depth by state (`GET /v1/status`). */
  status: () => Promise<NodeStatusView>
  /** Per destination chain: transport, latency p50/p99 (ms) and traffic (`GET /v1/routes`). */
  getRoutes: () => Promise<RoutesView>
  /** The hub's risk parameter sets: current, market inputs, policy, history (`GET /v1/risk/parameters`). */
  getRiskParameters: () => Promise<RiskParametersView>
  /** Prometheus metrics in the text exposition format (`GET /metrics`). */
  metrics: () => Promise<string>
}

export function nodeActions(t: Transport): NodeActions {
  return {
    health: () => unwrap(t, 'GET /health', () => t.api.GET('/health')),
    ready: () => unwrap(t, 'GET /ready', () => t.api.GET('/ready'), [503]),
    status: () => unwrap(t, 'GET /v1/status', () => t.api.GET('/v1/status')),
    getRoutes: () => unwrap(t, 'GET /v1/routes', () => t.api.GET('/v1/routes')),
    getRiskParameters: () => unwrap(t, 'GET /v1/risk/parameters', () => t.api.GET('/v1/risk/parameters')),
    metrics: () => unwrap(t, 'GET /metrics', () => t.api.GET('/metrics', { parseAs: 'text' })),
  }
}
