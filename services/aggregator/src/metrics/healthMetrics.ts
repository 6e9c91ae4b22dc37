import { Gauge, Histogram } from 'prom-client'

/** Buckets of {@link healthRecomputeSeconds}, s: a sweep over a few accounts takes milliseconds, over thousands seconds. */
export const HEALTH_RECOMPUTE_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/**
 * `unimargin_health_recompute_seconds` (histogram): the aggregator's re-valuation of every account with positions or
 * a lock after a price update (`AnswerUpdated`), s; the time a price move takes to reach a lock decision. Registered
 * in no registry: `registerNodeMetrics` adds it.
 */
export const healthRecomputeSeconds = new Histogram({
  name: 'unimargin_health_recompute_seconds',
  help: 'Seconds the aggregator takes to re-value every account with positions or a lock after a price update',
  buckets: HEALTH_RECOMPUTE_BUCKETS_SECONDS,
  registers: [],
})

/**
 * The health band of an account with a margin requirement, from its equity, IM and MM (usd8):
 * `below_mm` (equity < MM: liquidation territory), `below_im` (MM ≤ equity < IM: no new risk, no withdrawal),
 * `healthy` (equity ≥ IM).
 */
export type HealthBand = 'below_mm' | 'below_im' | 'healthy'

/** The {@link HealthBand} of `margin` (usd8); `undefined` when MM is 0 (no requirement, no band). */
export function healthBandOf(margin: { equityUsd8: bigint; imUsd8: bigint; mmUsd8: bigint }): HealthBand | undefined {
  if (margin.mmUsd8 === 0n) return undefined
  if (margin.equityUsd8 < margin.mmUsd8) return 'below_mm'
  if (margin.equityUsd8 < margin.imUsd8) return 'below_im'
  return 'healthy'
}

const bands = new Map<string, HealthBand>()

/**
 * Records `account`'s band as the aggregator of this process last valued it (`undefined`: no requirement any more,
 * the account leaves the count). A transaction rolled back after the valuation leaves its band until the next one.
 */
export function recordAccountHealth(account: string, band: HealthBand | undefined): void {
  if (band === undefined) bands.delete(account.toLowerCase())
  else bands.set(account.toLowerCase(), band)
}

/**
 * `unimargin_accounts_by_health_band{band}`: accounts with a margin requirement by {@link HealthBand}, as this
 * process's aggregator last valued them (0 for every band in a process that runs no aggregator). Registered in no
 * registry: `registerNodeMetrics` adds it.
 */
export const accountsByHealthBand = new Gauge({
  name: 'unimargin_accounts_by_health_band',
  help: "Accounts with a margin requirement by health band (below_mm, below_im, healthy) at the aggregator's last valuation",
  labelNames: ['band'],
  registers: [],
  collect() {
    const counts: Record<HealthBand, number> = { below_mm: 0, below_im: 0, healthy: 0 }
    for (const band of bands.values()) counts[band]++
    for (const [band, n] of Object.entries(counts)) this.set({ band }, n)
  },
})
