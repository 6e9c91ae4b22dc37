import type { Config } from '@unimargin/chains'
import type { NodeStatusView } from '@unimargin/client'
import type { Db } from '@unimargin/db'
import { createRoute, z } from '@hono/zod-openapi'
import { nodeStatusView, readNodeState } from '../nodeState.js'
import { errorResponses, json, openApiRouter } from '../openapi.js'
import { IntString, IsoTime } from '../schemas/common.js'

const StatusSchema = z
  .object({
    chains: z.array(
      z.object({
        name: z.string(),
        chainId: z.number(),
        finality: z.string(),
        confirmations: z.number(),
        headBlock: IntString.nullable(),
        checkpointBlock: IntString.nullable(),
        lagBlocks: IntString.nullable(),
        headAgeSeconds: z.number().nullable(),
        halted: z.object({ reason: z.string(), since: IsoTime.nullable() }).nullable(),
        unprocessedEvents: z.number(),
      }),
    ),
    outbox: z.record(z.string(), z.number()).openapi({ description: 'commands per state, every state listed' }),
  })
  .openapi('NodeStatus')
const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['node'],
  summary: 'Per chain head, checkpoint, lag, halt and waiting events; the outbox by state',
  responses: { 200: json(StatusSchema, 'The node status'), ...errorResponses(429) },
})

/**
 * `GET /v1/status`: what an operator checks first, per configured chain (finality, head, checkpoint, lag, head age,
 * halt, events waiting for the aggregator) and the outbox's depth by state (every state listed, 0 included). Read
 * from the database ({@link readNodeState}, the read `/ready` and `/metrics` share), so any node of a deployment
 * answers for all.
 */
export function statusRoutes(deps: { db: Db; config: Config; now: () => Date }) {
  return openApiRouter().openapi(route, async (c) => c.json(nodeStatusView(await readNodeState(deps.db), deps.config, deps.now()) satisfies NodeStatusView, 200))
}
