import { type Config, getChain, routeTransport, type TransportName } from '@unimargin/chains'
import { commands, commandTransitions, type DbOrTx, gt, sql } from '@unimargin/db'

/** A route's delivery latency (published on the hub → executed on the vault), ms. */
export type RouteLatency = {
  chainId: number
  transport: TransportName
  p50Ms: number
  p99Ms: number
  /** samples in the window */
  samples: number
  /** `measured` once the route has `latency.minSamples`, `seeded` before */
  source: 'measured' | 'seeded'
  /** the configured seed (hub finality + attestation + destination inclusion, or `latency.seedMs`) */
  seedMs: number
}

/**
 * The seed latency of the route to `chainId`, ms: `latency.seedMs[chainId]` when configured, else hub finality
 * (hub confirmations × hub block time) + `latency.attestationMs` + one destination block time.
 */
export function seedLatencyMs(config: Config, chainId: number): number {
  const configured = config.latency.seedMs[String(chainId)]
  if (configured !== undefined) return configured
  const hub = getChain(config, config.hub.chainId)
  const dest = getChain(config, chainId)
  return hub.confirmations * hub.blockTimeMs + config.latency.attestationMs + dest.blockTimeMs
}

/** Nearest-rank percentile of ascending `sorted` (q in 0..1). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/**
 * Per configured chain, the latency of the route the hub uses to reach it, from the last `latency.windowSize`
 * executed commands younger than `latency.maxSampleAgeSeconds` (publish → execution, as the relayer recorded the
 * transitions). A route with fewer than `latency.minSamples` is `seeded`: its p50/p99 are the larger of the seed and
 * what was measured, so a few lucky samples never shrink a buffer.
 */
export async function routeLatencies(db: DbOrTx, config: Config, now: Date): Promise<RouteLatency[]> {
  const since = new Date(now.getTime() - config.latency.maxSampleAgeSeconds * 1000)
  const rows = (await db
    .select({
      chainId: commands.destChainId,
      executedAt: commandTransitions.at,
      publishedAt: sql<Date>`(select min(p.at) from ${commandTransitions} p where p.command_id = ${commands.id} and p.to_state = 'published')`,
    })
    .from(commandTransitions)
    .innerJoin(commands, sql`${commands.id} = ${commandTransitions.commandId}`)
    .where(sql`${commandTransitions.toState} = 'executed' and ${gt(commandTransitions.at, since)}`)
    .orderBy(sql`${commandTransitions.at} desc`)) as { chainId: number; executedAt: Date; publishedAt: Date | string | null }[]
  const byChain = new Map<number, number[]>()
  for (const r of rows) {
    if (!r.publishedAt) continue
    const ms = new Date(r.executedAt).getTime() - new Date(r.publishedAt).getTime()
    const list = byChain.get(r.chainId) ?? []
    if (list.length < config.latency.windowSize && ms >= 0) list.push(ms)
    byChain.set(r.chainId, list)
  }
  return config.chains.map((chain) => {
    const samples = (byChain.get(chain.chainId) ?? []).sort((a, b) => a - b)
    const seedMs = seedLatencyMs(config, chain.chainId)
    const measured = samples.length >= config.latency.minSamples
    const p50 = percentile(samples, 0.5)
    const p99 = percentile(samples, 0.99)
    return {
      chainId: chain.chainId,
      transport: routeTransport(config, chain.chainId),
      p50Ms: measured ? p50 : Math.max(seedMs, p50),
      p99Ms: measured ? p99 : Math.max(seedMs, p99),
      samples: samples.length,
      source: measured ? 'measured' : 'seeded',
      seedMs,
    }
  })
}
