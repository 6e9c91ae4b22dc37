import type { Config } from '@unimargin/chains'
import { and, chainCheckpoints, chainEvents, type Db, isNull, lt, sql } from '@unimargin/db'
import type { ReadyView } from '@unimargin/client'
import { Hono } from 'hono'

/**
 * `GET /health`: 200 while the process serves requests. `GET /ready`: 503 until every configured chain has a
 * watcher checkpoint and no chain event observed more than `readyLagSeconds` ago is still unprocessed.
 */
export function healthRoutes(deps: { db: Db; config: Config; now: () => Date; readyLagSeconds: number }) {
  return new Hono()
    .get('/health', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      const checkpoints = await deps.db.select({ chainId: chainCheckpoints.chainId }).from(chainCheckpoints)
      const have = new Set(checkpoints.map((r) => r.chainId))
      const missing = deps.config.chains.map((ch) => ch.chainId).filter((id) => !have.has(id))
      const cutoff = new Date(deps.now().getTime() - deps.readyLagSeconds * 1000)
      const [lagging] = await deps.db
        .select({ count: sql<number>`count(*)::int` })
        .from(chainEvents)
        .where(and(isNull(chainEvents.processedAt), lt(chainEvents.observedAt, cutoff)))
      const behind = Number(lagging?.count ?? 0)
      const ready = missing.length === 0 && behind === 0
      return c.json({ ready, chainsWithoutCheckpoint: missing, lateUnprocessedEvents: behind } satisfies ReadyView, ready ? 200 : 503)
    })
}
