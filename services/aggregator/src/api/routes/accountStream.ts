import { createRoute, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import type { Logger } from 'pino'
import type { LiveAccounts, ServedAccountView } from '../live/index.js'
import { errorResponses, openApiRouter } from '../openapi.js'
import { AddressParams } from '../schemas/common.js'

/** ms between two heartbeat comments of an account stream, so proxies keep an idle stream open. */
export const HEARTBEAT_MS = 15_000

const SseText = z.string().openapi({
  description:
    'Server-Sent Events. `event: snapshot` first, then `event: update` each time a committed change (a chain event, a position report or a price) altered the account; `data` is the JSON `AccountView` exactly as `GET /v1/accounts/{address}` answers it, `id` increases by one per event. A `: heartbeat` comment every 15 s. When the account cannot be followed (the database is unreachable) a last `event: error` carries `{ error: { code: "unavailable", message } }` and the stream ends.',
  example: 'event: snapshot\ndata: {"address":"0x00000000000000000000000000000000000a11cE",...}\nid: 1\n\n',
})

/**
 * `GET /v1/accounts/{address}/stream`: the account view as Server-Sent Events (see {@link SseText}), from `live`;
 * the stream ends when the client goes away, the server closes `live`, or the account cannot be followed
 * (`event: error`).
 */
export function accountStreamRoutes(deps: { live: LiveAccounts<ServedAccountView>; logger: Logger; heartbeatMs?: number | undefined }) {
  const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS
  const route = createRoute({
    method: 'get',
    path: '/{address}/stream',
    tags: ['accounts'],
    summary: 'The account view live (Server-Sent Events): a snapshot, then an update on every change',
    request: { params: AddressParams },
    responses: {
      200: { description: 'An event stream of account views', content: { 'text/event-stream': { schema: SseText } } },
      ...errorResponses(400, 429),
    },
  })
  return openApiRouter().openapi(route, (c) => {
    const { address } = c.req.valid('param')
    return streamSSE(
      c,
      async (stream) => {
        let id = 0
        let ended: () => void = () => {}
        const done = new Promise<void>((resolve) => {
          ended = resolve
        })
        stream.onAbort(() => ended())
        // writes queue in order on the stream's writer; one failing means the client is gone
        const send = (event: 'snapshot' | 'update', data: string) =>
          void stream.writeSSE({ event, data, id: String(++id) }).catch(() => ended())
        const unsubscribe = await deps.live.subscribe(address, {
          onMessage: ({ kind, served }) => send(kind, served.body),
          onClose: () => ended(),
        })
        const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n').catch(() => ended()), heartbeatMs)
        try {
          await done
        } finally {
          clearInterval(heartbeat)
          unsubscribe()
        }
      },
      async (error, stream) => {
        deps.logger.warn({ account: address, error: error.message }, 'Failed to stream account')
        const body = { error: { code: 'unavailable', message: `Cannot follow ${address} now; reconnect later.` } }
        await stream.writeSSE({ event: 'error', data: JSON.stringify(body) }).catch(() => {})
      },
    )
  })
}
