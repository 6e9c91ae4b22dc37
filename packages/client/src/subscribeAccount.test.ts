import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createClient } from './createClient.js'
import { UnimarginApiError } from './errors.js'
import type { SubscriptionErrorInfo } from './subscribeAccount.js'
import type { AccountView } from './types.js'

const alice = '0x00000000000000000000000000000000000a11cE'
/** An account view as the stream carries it (the same JSON as GET /v1/accounts/:address); `healthBps` tells them apart. */
const view = (healthBps: string) => ({ address: alice, healthBps }) as unknown as AccountView

/**
 * A real HTTP server speaking the account stream protocol: `connections[i]` answers the i-th request (the last one
 * answers any later request). Each request's path and headers are recorded.
 */
async function streamServer(connections: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  const requests: { url: string | undefined; lastEventId: string | undefined; accept: string | undefined }[] = []
  const server = createServer((req, res) => {
    requests.push({ url: req.url, lastEventId: req.headers['last-event-id'] as string | undefined, accept: req.headers.accept })
    connections[Math.min(requests.length, connections.length) - 1]!(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const openStream = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
const event = (res: ServerResponse, name: 'snapshot' | 'update', id: number, data: AccountView) => res.write(`id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`)

let server: Awaited<ReturnType<typeof streamServer>> | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Subscribes to alice on `server`, recording every callback, until `until` holds (then closes). */
function record(baseUrl: string, retry: { initialDelayMs?: number; maxDelayMs?: number; maxAttempts?: number }, until: (seen: string[]) => boolean) {
  const seen: string[] = []
  const errors: { error: Error; info: SubscriptionErrorInfo }[] = []
  const sub = createClient({ baseUrl }).subscribeAccount(alice, {
    onSnapshot: (v, e) => {
      seen.push(`snapshot ${e.id} ${v.healthBps}`)
      if (until(seen)) sub.close()
    },
    onUpdate: (v, e) => {
      seen.push(`update ${e.id} ${v.healthBps}`)
      if (until(seen)) sub.close()
    },
    onError: (error, info) => errors.push({ error, info }),
    retry,
  })
  return { sub, seen, errors }
}

describe('subscribeAccount', () => {
  it('delivers the snapshot then updates, and after a drop reconnects with Last-Event-ID, skipping an update it already had', async () => {
    server = await streamServer([
      (_req, res) => {
        openStream(res)
        event(res, 'snapshot', 1, view('15000'))
        event(res, 'update', 2, view('14000'))
        setTimeout(() => res.destroy(), 20)
      },
      (_req, res) => {
        openStream(res)
        event(res, 'snapshot', 3, view('14000'))
        event(res, 'update', 2, view('14000'))
        event(res, 'update', 4, view('12000'))
      },
    ])
    const { sub, seen, errors } = record(server.baseUrl, { initialDelayMs: 10 }, (s) => s.length === 4)
    await sub.done
    expect(seen).toEqual(['snapshot 1 15000', 'update 2 14000', 'snapshot 3 14000', 'update 4 12000'])
    expect(server.requests).toEqual([
      { url: `/v1/accounts/${alice}/stream`, lastEventId: undefined, accept: 'text/event-stream' },
      { url: `/v1/accounts/${alice}/stream`, lastEventId: '2', accept: 'text/event-stream' },
    ])
    expect(errors.map((e) => e.info)).toEqual([{ retrying: true, attempt: 1, delayMs: 10 }])
  })

  it('reconnects after the server ends the stream, waiting as long as its retry field asks', async () => {
    server = await streamServer([
      (_req, res) => {
        openStream(res)
        res.write('retry: 40\n\n')
        event(res, 'snapshot', 7, view('20000'))
        res.end()
      },
      (_req, res) => {
        openStream(res)
        event(res, 'snapshot', 8, view('21000'))
      },
    ])
    const { sub, seen, errors } = record(server.baseUrl, { initialDelayMs: 10 }, (s) => s.length === 2)
    await sub.done
    expect(seen).toEqual(['snapshot 7 20000', 'snapshot 8 21000'])
    expect(server.requests.map((r) => r.lastEventId)).toEqual([undefined, '7'])
    expect(errors.map((e) => [e.error.name, e.info.delayMs])).toEqual([['UnimarginStreamError', 40]])
  })

  it('backs off exponentially up to maxDelayMs while the hub answers 503, and ends after maxAttempts failures in a row', async () => {
    server = await streamServer([
      (_req, res) => {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
        res.end(JSON.stringify({ error: { code: 'busy', message: 'Busy.' } }))
      },
    ])
    const { sub, errors } = record(server.baseUrl, { initialDelayMs: 10, maxDelayMs: 25, maxAttempts: 4 }, () => false)
    await sub.done
    expect(errors.map((e) => e.info)).toEqual([
      { retrying: true, attempt: 1, delayMs: 10 },
      { retrying: true, attempt: 2, delayMs: 20 },
      { retrying: true, attempt: 3, delayMs: 25 },
      { retrying: false, attempt: 4, delayMs: undefined },
    ])
    expect(errors[0]?.error).toMatchObject({ status: 503, code: 'busy', retryAfterSeconds: 1 })
    expect(server.requests).toHaveLength(4)
  })

  it('ends at once on a 404 (a hub without the stream route) with the API error', async () => {
    server = await streamServer([
      (_req, res) => {
        res.writeHead(404, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 'not_found', message: 'No route for GET /v1/accounts/x/stream.', requestId: 'r-1' } }))
      },
    ])
    const { sub, errors } = record(server.baseUrl, { initialDelayMs: 10 }, () => false)
    await sub.done
    expect(errors).toHaveLength(1)
    expect(errors[0]?.error).toBeInstanceOf(UnimarginApiError)
    expect(errors[0]).toMatchObject({ error: { status: 404, code: 'not_found', requestId: 'r-1' }, info: { retrying: false, attempt: 1 } })
    expect(server.requests).toHaveLength(1)
  })

  it('reports an error thrown by a callback as it is, closes that connection and reconnects', async () => {
    server = await streamServer([
      (_req, res) => {
        openStream(res)
        event(res, 'snapshot', 1, view('15000'))
      },
      (_req, res) => {
        openStream(res)
        event(res, 'snapshot', 2, view('16000'))
      },
    ])
    const seen: string[] = []
    const errors: string[] = []
    const sub = createClient({ baseUrl: server.baseUrl }).subscribeAccount(alice, {
      onSnapshot: (v) => {
        seen.push(String(v.healthBps))
        if (seen.length === 1) throw new Error('render failed')
        sub.close()
      },
      onError: (error) => errors.push(`${error.name}: ${error.message}`),
      retry: { initialDelayMs: 10 },
    })
    await sub.done
    expect(seen).toEqual(['15000', '16000'])
    expect(errors).toEqual(['Error: render failed'])
    expect(server.requests.map((r) => r.lastEventId)).toEqual([undefined, '1'])
  })

  it('stops reading and reconnecting once its signal is aborted', async () => {
    server = await streamServer([
      (_req, res) => {
        openStream(res)
        event(res, 'snapshot', 1, view('15000'))
      },
    ])
    const controller = new AbortController()
    const seen: string[] = []
    const sub = createClient({ baseUrl: server.baseUrl }).subscribeAccount(alice, {
      onSnapshot: (v) => {
        seen.push(String(v.healthBps))
        controller.abort()
      },
      signal: controller.signal,
      retry: { initialDelayMs: 10 },
    })
    await sub.done
    expect(seen).toEqual(['15000'])
    expect(server.requests).toHaveLength(1)
  })
})
