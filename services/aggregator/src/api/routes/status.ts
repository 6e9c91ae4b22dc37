import type { Config } from '@unimargin/chains'
import { chainCheckpoints, chainEvents, commands, type Db, isNull, sql } from '@unimargin/db'
import type { ChainStatusView, NodeStatusView } from '@unimargin/client'
import { Hono } from 'hono'

const STATES = ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead']

/**
 * `GET /v1/status`: what an operator checks first, per configured chain (finality, head, checkpoint, lag, head age,
 * halt, events waiting for the aggregator) and the outbox's depth by state (every state listed, 0 included). Read
 * from the database, so any node of a deployment answers for all.
 */
export function statusRoutes(deps: { db: Db; config: Config; now: () => Date }) {
  return new Hono().get('/', async (c) => {
    const [checkpoints, unprocessed, outbox] = await Promise.all([
      deps.db.select().from(chainCheckpoints),
      deps.db
        .select({ chainId: chainEvents.chainId, count: sql<number>`count(*)::int` })
        .from(chainEvents)
        .where(isNull(chainEvents.processedAt))
        .groupBy(chainEvents.chainId),
      deps.db.select({ state: commands.state, count: sql<number>`count(*)::int` }).from(commands).groupBy(commands.state),
    ])
    const now = deps.now().getTime()
    const chains: ChainStatusView[] = deps.config.chains.map((chain) => {
      const row = checkpoints.find((r) => Number(r.chainId) === chain.chainId)
      return {
        name: chain.name,
        chainId: chain.chainId,
        finality: chain.finality,
        confirmations: chain.confirmations,
        headBlock: row?.headBlock?.toString() ?? null,
        checkpointBlock: row?.blockNumber.toString() ?? null,
        lagBlocks: row?.headBlock !== undefined && row.headBlock !== null ? (row.headBlock - row.blockNumber).toString() : null,
        headAgeSeconds: row?.headSeenAt ? Math.max(0, Math.floor((now - row.headSeenAt.getTime()) / 1000)) : null,
        halted: row?.haltedReason ? { reason: row.haltedReason, since: row.haltedAt?.toISOString() ?? null } : null,
        unprocessedEvents: Number(unprocessed.find((u) => Number(u.chainId) === chain.chainId)?.count ?? 0),
      }
    })
    const depth = Object.fromEntries(STATES.map((s) => [s, 0]))
    for (const r of outbox) depth[r.state] = Number(r.count)
    return c.json({ chains, outbox: depth } satisfies NodeStatusView)
  })
}
