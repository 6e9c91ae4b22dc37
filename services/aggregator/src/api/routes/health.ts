import { createRoute, z } from '@hono/zod-openapi'
import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { json, openApiRouter } from '../openapi.js'
import { readReadiness } from '../readiness.js'
import { IntString, IsoTime } from '../schemas/common.js'

const ReadySchema = z
  .object({
    ready: z.boolean(),
    chainsWithoutCheckpoint: z.array(z.number()),
    lateUnprocessedEvents: z.number(),
    haltedChains: z.array(z.object({ chainId: z.number(), name: z.string(), reason: z.string(), blockNumber: IntString, haltedAt: IsoTime.nullable() })),
    staleChains: z.array(
      z.object({
        chainId: z.number(),
        name: z.string(),
        headBlock: IntString.nullable(),
        headSeenAt: IsoTime,
        headAgeSeconds: z.number(),
        maxHeadAgeSeconds: z.number(),
      }),
    ),
    leases: z
      .array(z.object({ name: z.string(), chainId: z.number().optional(), holder: z.string(), acquiredAt: IsoTime, expiresAt: IsoTime, expired: z.boolean() }))
      .optional(),
  })
  .openapi('Ready')

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['node'],
  summary: 'Liveness: 200 while the process serves requests',
  responses: { 200: json(z.object({ status: z.literal('ok') }), 'Serving') },
})
const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['node'],
  summary: 'Readiness: every chain checkpointed, none halted or stale, no late event',
  responses: { 200: json(ReadySchema, 'Ready'), 503: json(ReadySchema, 'Not ready, and why') },
})

/**
 * `GET /health`: 200 while the process serves requests. `GET /ready`: 200 when the hub is ready, else 503, with a
 * `ReadyView` body (`@unimargin/client`) naming what is not: chains without a watcher checkpoint, halted
 * chains (reason, block), chains whose head is stale, and the count of events unprocessed for `readyLagSeconds`.
 */
export function healthRoutes(deps: { db: Db; config: Config; now: () => Date; readyLagSeconds: number }) {
  return openApiRouter()
    .openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyRoute, async (c) => {
      const view = await readReadiness(deps.db, deps.config, deps.now(), deps.readyLagSeconds)
      return view.ready ? c.json(view, 200) : c.json(view, 503)
    })
}
