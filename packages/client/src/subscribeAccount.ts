import { isRetryable, UnimarginError } from '@unimargin/errors'
import { type EventSourceMessage, EventSourceParserStream } from 'eventsource-parser/stream'
import { UnimarginApiError, UnimarginNetworkError } from './errors.js'
import type { Transport } from './transport.js'
import type { AccountView } from './types.js'

/** What a subscriber is told about an error: whether it reconnects, after how many failures in a row, and when. */
export type SubscriptionErrorInfo = {
  /** true: the subscription reconnects after `delayMs`; false: it has ended */
  retrying: boolean
  /** failures in a row (1 for the first; back to 0 once an event arrives) */
  attempt: number
  /** ms until the next connection; undefined when not retrying */
  delayMs: number | undefined
}

export type SubscribeAccountParameters = {
  /** the whole account view when a connection opens (`snapshot` event) */
  onSnapshot: (view: AccountView, event: { id: string | undefined }) => void
  /** the whole account view after each change (`update` event); default `onSnapshot` */
  onUpdate?: (view: AccountView, event: { id: string | undefined }) => void
  /** every dropped connection and refusal, and the error that ends the subscription (`retrying: false`) */
  onError?: (error: Error, info: SubscriptionErrorInfo) => void
  /** ends the subscription when aborted */
  signal?: AbortSignal
  /**
   * reconnection backoff: `initialDelayMs` (default 1000, or the stream's `retry:` field) doubling per failure in a
   * row up to `maxDelayMs` (default 30000); `maxAttempts` failures in a row end the subscription (default unlimited)
   */
  retry?: { initialDelayMs?: number; maxDelayMs?: number; maxAttempts?: number }
}

/** A running subscription. */
export type AccountSubscription = {
  /** ends the subscription (as aborting `signal` does) */
  close: () => void
  /**
   * resolves once the subscription has ended: closed, aborted, refused for good or out of attempts; rejects only with
   * an error thrown by `onError`
   */
  done: Promise<void>
}

/** The stream sent something that is not the account event protocol. Retryable: the next connection may be sound. */
export class UnimarginStreamError extends UnimarginError {
  override name = 'UnimarginStreamError'
  override readonly retryable = true
}

/**
 * Follows an account over Server-Sent Events (`GET /v1/accounts/:address/stream`): a `snapshot` event with the whole
 * account view when the connection opens, then an `update` event with the whole view after each change, each with an
 * increasing `id`. A dropped or refused connection is retried with exponential backoff, sending `Last-Event-ID`;
 * an `update` whose id is not above the last one seen is skipped. A 4xx other than 408/429 ends the subscription.
 * A callback that throws drops the connection, which reconnects as after any drop.
 * Works with any WHATWG fetch (Node 20, browsers).
 * @example
 * const sub = client.subscribeAccount('0x…', { onSnapshot: (v) => console.log(v.health), onError: console.error })
 * sub.close()
 */
export function subscribeAccount(t: Transport, address: string, parameters: SubscribeAccountParameters): AccountSubscription {
  const controller = new AbortController()
  const { signal } = controller
  const abort = () => controller.abort()
  if (parameters.signal?.aborted) abort()
  parameters.signal?.addEventListener('abort', abort, { once: true })
  const url = `${t.baseUrl}/v1/accounts/${encodeURIComponent(address)}/stream`
  const initialDelayMs = parameters.retry?.initialDelayMs ?? 1000
  const maxDelayMs = parameters.retry?.maxDelayMs ?? 30_000
  const maxAttempts = parameters.retry?.maxAttempts ?? Number.POSITIVE_INFINITY
  const onUpdate = parameters.onUpdate ?? parameters.onSnapshot

  let lastEventId: string | undefined
  let serverRetryMs: number | undefined
  let attempt = 0

  async function connect(): Promise<void> {
    const headers = new Headers({ ...t.headers, accept: 'text/event-stream' })
    if (lastEventId !== undefined) headers.set('last-event-id', lastEventId)
    let res: Response
    try {
      res = await t.fetch(new Request(url, { headers, signal }))
    } catch (error) {
      throw new UnimarginNetworkError(`GET /v1/accounts/{address}/stream at ${t.baseUrl}`, error)
    }
    if (!res.ok) throw new UnimarginApiError(res.status, await res.json().catch(() => undefined), url, res.headers)
    if (!res.headers.get('content-type')?.includes('text/event-stream') || !res.body)
      throw new UnimarginStreamError(`${url} answered ${res.headers.get('content-type') ?? 'no content type'}, not text/event-stream.`)
    const events = res.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream({ onRetry: (ms) => (serverRetryMs = ms) }))
    const reader = events.getReader()
    try {
      for (;;) {
        let next: Awaited<ReturnType<typeof reader.read>>
        try {
          next = await reader.read()
        } catch (error) {
          throw signal.aborted ? error : new UnimarginNetworkError(`GET /v1/accounts/{address}/stream at ${t.baseUrl}`, error)
        }
        if (next.done) break
        dispatch(next.value)
      }
    } finally {
      // a callback that threw leaves the connection open: close it before reconnecting
      await reader.cancel().catch(() => undefined)
    }
    throw new UnimarginStreamError(`The hub closed the event stream of ${address}.`)
  }

  function dispatch(message: EventSourceMessage) {
    if (message.event !== 'snapshot' && message.event !== 'update') return
    if (message.event === 'update' && !isAfter(message.id, lastEventId)) return
    let view: AccountView
    try {
      view = JSON.parse(message.data) as AccountView
    } catch (error) {
      throw new UnimarginStreamError(`The ${message.event} event ${message.id ?? ''} does not carry JSON.`, { cause: error })
    }
    if (message.id !== undefined) lastEventId = message.id
    attempt = 0
    ;(message.event === 'snapshot' ? parameters.onSnapshot : onUpdate)(view, { id: message.id })
  }

  async function run(): Promise<void> {
    while (!signal.aborted) {
      try {
        await connect()
      } catch (error) {
        if (signal.aborted) break
        attempt += 1
        const failure = error instanceof Error ? error : new Error(String(error))
        if (!isRetryable(failure) || attempt >= maxAttempts) {
          parameters.onError?.(failure, { retrying: false, attempt, delayMs: undefined })
          break
        }
        const delayMs = Math.min(maxDelayMs, (serverRetryMs ?? initialDelayMs) * 2 ** (attempt - 1))
        parameters.onError?.(failure, { retrying: true, attempt, delayMs })
        await sleep(delayMs, signal)
      }
    }
    parameters.signal?.removeEventListener('abort', abort)
  }

  return { close: abort, done: run() }
}

/** Whether event id `id` comes after `last` (ids compared as integers when both are, else any new id counts). */
function isAfter(id: string | undefined, last: string | undefined): boolean {
  if (id === undefined || last === undefined) return true
  if (/^\d+$/.test(id) && /^\d+$/.test(last)) return BigInt(id) > BigInt(last)
  return id !== last
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
