import type { Config } from '@unimargin/chains'
import { commands, type Db, sql } from '@unimargin/db'
import { Hono } from 'hono'
import { routeLatencies } from '../../routes/index.js'

/**
 * `GET /v1/routes`: per destination chain, the route's transport, measured (or seeded) latency p50/p99 in ms, sample
 * count, and its traffic: commands in flight (published, not executed), failing and dead-lettered, and the last
 * execution.
 */
export function routeRoutes(deps: { db: Db; config: Config; now: () => Date }) {
  return new Hono().get('/', async (c) => {
    const latencies = await routeLatencies(deps.db, deps.config, deps.now())
    const traffic = (await deps.db
      .select({
        chainId: commands.destChainId,
        inFlight: sql<number>`count(*) filter (where ${commands.state} in ('pending', 'published', 'attested', 'delivered'))::int`,
        failing: sql<number>`count(*) filter (where ${commands.state} = 'failed')::int`,
        dead: sql<number>`count(*) filter (where ${commands.state} = 'dead')::int`,
        lastExecutedAt: sql<string | null>`max(${commands.updatedAt}) filter (where ${commands.state} = 'executed')`,
      })
      .from(commands)
      .groupBy(commands.destChainId)) as { chainId: number; inFlight: number; failing: number; dead: number; lastExecutedAt: string | Date | null }[]
    return c.json({
      routes: latencies.map((r) => {
        const t = traffic.find((x) => Number(x.chainId) === r.chainId)
        const chain = deps.config.chains.find((x) => x.chainId === r.chainId)
        return {
          ...r,
          name: chain?.name ?? String(r.chainId),
          inFlight: Number(t?.inFlight ?? 0),
          failing: Number(t?.failing ?? 0),
          dead: Number(t?.dead ?? 0),
          lastExecutedAt: t?.lastExecutedAt ? new Date(t.lastExecutedAt).toISOString() : null,
          healthy: Number(t?.dead ?? 0) === 0 && Number(t?.failing ?? 0) === 0,
        }
      }),
    })
  })
}
