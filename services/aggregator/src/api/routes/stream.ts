import { z } from '@hono/zod-openapi'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { UpgradeWebSocket, WSContext } from 'hono/ws'
import type { Logger } from 'pino'
import { getAddress, isAddress } from 'viem'
import { toIssues } from '../errors.js'
import type { LiveAccounts, ServedAccountView } from '../live/index.js'
import { ApiErrorSchema, openApiRouter } from '../openapi.js'
import { AccountViewSchema } from '../schemas/accountView.js'

/** Accounts one WebSocket may be subscribed to at once (default of `maxSubscriptions`). */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 100

const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
  .transform((v) => getAddress(v))
const accounts = z.array(address).min(1).max(MAX_SUBSCRIPTIONS_PER_SOCKET)
/** A client's message on `/v1/stream`. */
export const StreamRequest = z
  .discriminatedUnion('op', [z.object({ op: z.literal('subscribe'), accounts }), z.object({ op: z.literal('unsubscribe'), accounts })])
  .openapi('StreamRequest')

/** A server's message on `/v1/stream`. */
export const StreamMessage = z
  .union([
    z.object({ type: z.enum(['snapshot', 'update']), account: z.string(), view: AccountViewSchema }),
    z.object({ type: z.literal('unsubscribed'), accounts: z.array(z.string()) }),
    z.object({ type: z.literal('error'), error: ApiErrorSchema.shape.error }),
  ])
  .openapi('StreamMessage')

type Socket = WSContext<unknown>

/** An error message for the client; the socket stays open. */
const errorMessage = (code: string, message: string, issues?: { path: string; message: string }[]) =>
  JSON.stringify({ type: 'error', error: { code, message, ...(issues ? { issues } : {}) } })

/**
 * `GET /v1/stream`: account views over a WebSocket. The client sends `{"op":"subscribe","accounts":[…]}` or
 * `{"op":"unsubscribe","accounts":[…]}`; each account subscribed is answered with
 * `{"type":"snapshot","account","view"}`, then `{"type":"update","account","view"}` on every change (`view` as
 * `GET /v1/accounts/{address}` answers it); an unsubscribe with `{"type":"unsubscribed","accounts"}`. A bad message is
 * answered `{"type":"error","error":{code,message,issues?}}` (`invalid_message`, `invalid_request`,
 * `too_many_subscriptions`, `unavailable`) and the socket stays open. The server closes the socket (1001) when it
 * shuts down.
 */
export function streamRoutes(deps: {
  live: LiveAccounts<ServedAccountView>
  upgradeWebSocket: UpgradeWebSocket
  logger: Logger
  maxSubscriptions?: number
}) {
  const maxSubscriptions = deps.maxSubscriptions ?? MAX_SUBSCRIPTIONS_PER_SOCKET
  const app = openApiRouter()
  document(app)
  app.get(
    '/',
    deps.upgradeWebSocket(() => {
      const subscriptions = new Map<string, () => void>()
      let open = true
      const send = (ws: Socket, text: string) => {
        if (open) ws.send(text)
      }

      const subscribe = async (ws: Socket, list: string[]) => {
        const fresh = [...new Set(list)].filter((a) => !subscriptions.has(a))
        if (subscriptions.size + fresh.length > maxSubscriptions) {
          send(ws, errorMessage('too_many_subscriptions', `A socket may follow at most ${maxSubscriptions} accounts; it follows ${subscriptions.size} and asked for ${fresh.length} more.`))
          return
        }
        for (const account of fresh) subscriptions.set(account, () => {})
        await Promise.all(
          fresh.map(async (account) => {
            try {
              const unsubscribe = await deps.live.subscribe(account, {
                onMessage: ({ kind, served }) => send(ws, `{"type":"${kind}","account":"${account}","view":${served.body}}`),
                onClose: () => {
                  if (open) ws.close(1001, 'server shutting down')
                },
              })
              // unsubscribed (or the socket closed) while the snapshot was read
              if (!open || !subscriptions.has(account)) unsubscribe()
              else subscriptions.set(account, unsubscribe)
            } catch (error) {
              subscriptions.delete(account)
              deps.logger.warn({ account, error: (error as Error).message }, 'Failed to subscribe to account')
              send(ws, errorMessage('unavailable', `Cannot follow ${account} now; subscribe again later.`))
            }
          }),
        )
      }

      const unsubscribe = (ws: Socket, list: string[]) => {
        for (const account of list) {
          subscriptions.get(account)?.()
          subscriptions.delete(account)
        }
        send(ws, JSON.stringify({ type: 'unsubscribed', accounts: list }))
      }

      return {
        onMessage(event, ws) {
          if (typeof event.data !== 'string') return send(ws, errorMessage('invalid_message', 'Messages are JSON text.'))
          let json: unknown
          try {
            json = JSON.parse(event.data)
          } catch {
            return send(ws, errorMessage('invalid_message', 'The message is not JSON.'))
          }
          const parsed = StreamRequest.safeParse(json)
          if (!parsed.success) {
            const issues = toIssues(parsed.error.issues)
            return send(ws, errorMessage('invalid_request', `Invalid message: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues))
          }
          if (parsed.data.op === 'subscribe') void subscribe(ws, parsed.data.accounts)
          else unsubscribe(ws, parsed.data.accounts)
        },
        onClose() {
          open = false
          for (const stop of subscriptions.values()) stop()
          subscriptions.clear()
        },
      }
    }),
  )
  return app
}

/** Describes the WebSocket route in the OpenAPI document (its messages as components). */
function document(app: OpenAPIHono) {
  app.openAPIRegistry.register('StreamRequest', StreamRequest)
  app.openAPIRegistry.register('StreamMessage', StreamMessage)
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/',
    tags: ['accounts'],
    summary: 'Account views live over a WebSocket: subscribe to accounts, get a snapshot of each, then its updates',
    description:
      'Upgrade to a WebSocket. Send `StreamRequest` messages (`{"op":"subscribe","accounts":["0x…"]}`, `{"op":"unsubscribe",…}`); receive `StreamMessage`s: a `snapshot` per account subscribed, an `update` on each change, `unsubscribed`, or an `error` (the socket stays open). At most 100 accounts per socket.',
    responses: {
      101: { description: 'Switching to the WebSocket protocol' },
      404: { description: 'Not a WebSocket upgrade request' },
    },
  })
}
