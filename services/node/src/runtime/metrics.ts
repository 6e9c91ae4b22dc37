import type { Config } from '@unimargin/chains'
import { registerRelayerMetrics, registerRelayerWalletMetrics } from '@unimargin/relayer'
import { registerWatcherMetrics } from '@unimargin/watcher'
import { Registry } from 'prom-client'

/**
 * The Prometheus registry a node serves at `/metrics` (the API adds its request metrics and the node's state from the
 * database, `registerNodeMetrics`): with `watchers`, the watchers' finalized blocks and log-range shrinks; with
 * `relayer`, the relayer's fallbacks, fee bumps, dead letters and pending nonces, and its wallet per chain (balance,
 * pending transactions, read over RPC at scrape time). Labels are configured chain names, never URLs.
 */
export function createNodeRegistry(parameters: { config: Config; watchers: boolean; relayer: boolean }): Registry {
  const registry = new Registry()
  if (parameters.watchers) registerWatcherMetrics(registry)
  if (parameters.relayer) {
    registerRelayerMetrics(registry)
    registerRelayerWalletMetrics({ registry, config: parameters.config })
  }
  return registry
}
