import type { Config } from '@unimargin/chains'
import { commands, type Db, sql } from '@unimargin/db'
import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { IsoTime } from '../schemas/common.js'
import { routeLatencies } from '../../routes/index.js'

const RoutesSchema = z
  .object({
    routes: z.array(
      z.object({
        chainId: z.number(),
        name: z.string(),
        transport: z.enum(['wormhole', 'layerzero']),
        p50Ms: z.number(),
        p99Ms: z.number(),
        samples: z.number(),
        source: z.enum(['measured', 'seeded']),
        seedMs: z.number(),
        inFlight: z.number(),
        failing: z.number(),
        dead: z.number(),
        lastExecutedAt: IsoTime.nullable(),
        healthy: z.boolean(),
      }),
    ),
  })
  .openapi('Routes')
const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['node'],
  summary: 'Per destination chain: transport, latency p50/p99 and traffic',
  responses: { 200: json(RoutesSchema, 'The routes'), ...errorResponses(429) },
})

/**
 * `GET /v1/routes`: per destination chain, the route's transport, measured (or seeded) latency p50/p99 in ms, sample
 * count, and its traffic: commands in flight (published, not executed), failing and dead-lettered, and the last
 * execution.
 */
export function routeRoutes(deps: { db: Db; config: Config; now: () => Date }) {
  return openApiRouter().openapi(route, async (c) => {
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
    }, 200)
  })
}
