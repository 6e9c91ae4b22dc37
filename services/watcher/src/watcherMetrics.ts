import { Counter, Gauge, type Registry } from 'prom-client'

/**
 * `unimargin_chain_finalized_block{chain}`: the last block the watcher counts as final at its last poll (`head −
 * confirmations`, or the node's `safe` / `finalized` block), the most it may ingest up to; `chain` is the configured
 * name. Set by this process's watchers only.
 */
export const chainFinalizedBlock = new Gauge({
  name: 'unimargin_chain_finalized_block',
  help: 'Last block the watcher counts as final (head minus confirmations, or the safe/finalized block)',
  labelNames: ['chain'],
  registers: [],
})

/**
 * `unimargin_log_range_shrinks_total{chain}`: times the watcher halved its `eth_getLogs` block range after a provider
 * error (a provider capping ranges or results shows here before it shows as lag).
 */
export const logRangeShrinks = new Counter({
  name: 'unimargin_log_range_shrinks_total',
  help: 'Times the watcher halved its eth_getLogs block range after a provider error',
  labelNames: ['chain'],
  registers: [],
})

/** Adds the watcher's series ({@link chainFinalizedBlock}, {@link logRangeShrinks}) to `registry`. */
export function registerWatcherMetrics(registry: Registry): void {
  registry.registerMetric(chainFinalizedBlock)
  registry.registerMetric(logRangeShrinks)
}
