import { outboxDepth, readNodeState, routeLatencies } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import type { CommandState, Db } from '@unimargin/db'

/** One chain's ingestion as a progress snapshot holds it; blocks are bigint, `null` before the watcher wrote any. */
export type ChainProgress = {
  /** the configured name */
  name: string
  chainId: number
  /** the first block the watcher ingests (`startBlock`) */
  startBlock: bigint
  /** the newest head the watcher saw */
  head: bigint | null
  /** the last block it may ingest now: head − confirmations, or the head for `safe`/`finalized` chains */
  target: bigint | null
  /** the last block whose logs are written */
  checkpoint: bigint | null
  /** every event ingested on the chain so far */
  events: number
  /** events the aggregator has not applied yet */
  unprocessed: number
  /** why ingestion stopped, when it did */
  halted: string | null
}

/** A route's delivery latency, ms, as the safety buffers assume it (`measured` over the window, or `seeded`). */
export type RouteProgress = { chain: string; transport: string; p50Ms: number; p99Ms: number; samples: number; source: 'measured' | 'seeded' }

/** The node's state at one instant (`at`, ms since the epoch), as the progress display shows it. */
export type ProgressSnapshot = {
  at: number
  chains: ChainProgress[]
  /** the outbox's depth by state, every state listed */
  outbox: Record<CommandState, number>
  routes: RouteProgress[]
}

/**
 * Reads a {@link ProgressSnapshot} from the database: the same read as `GET /v1/status` and `/metrics`
 * (`readNodeState`, with a count of every ingested event per chain for events/s) and the route latencies of
 * `GET /v1/routes`.
 */
export async function readProgressSnapshot(db: Db, config: Config, now: Date = new Date()): Promise<ProgressSnapshot> {
  const [state, routes] = await Promise.all([readNodeState(db, { countEvents: true }), routeLatencies(db, config, now)])
  const nameOf = new Map(config.chains.map((c) => [c.chainId, c.name]))
  return {
    at: now.getTime(),
    chains: config.chains.map((chain) => {
      const row = state.checkpoints.find((r) => Number(r.chainId) === chain.chainId)
      const head = row?.headBlock ?? null
      return {
        name: chain.name,
        chainId: chain.chainId,
        startBlock: chain.startBlock,
        head,
        target: head === null ? null : chain.finality === 'confirmations' ? head - BigInt(chain.confirmations) : head,
        checkpoint: row?.blockNumber ?? null,
        events: state.events?.find((e) => e.chainId === chain.chainId)?.count ?? 0,
        unprocessed: state.unprocessed.find((u) => u.chainId === chain.chainId)?.count ?? 0,
        halted: row?.haltedReason ?? null,
      }
    }),
    outbox: outboxDepth(state),
    routes: routes.map((r) => ({ chain: nameOf.get(r.chainId) ?? String(r.chainId), transport: r.transport, p50Ms: r.p50Ms, p99Ms: r.p99Ms, samples: r.samples, source: r.source })),
  }
}
