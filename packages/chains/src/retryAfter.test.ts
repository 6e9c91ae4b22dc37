import { createServer, type Server } from 'node:http'
import { createPublicClient } from 'viem'
import { afterEach, describe, expect, it } from 'vitest'
import { chainTransport } from './clients.js'
import { MAX_RETRY_AFTER_SECONDS } from './retryAfter.js'

/** A JSON-RPC endpoint that answers its first request with 429 and `Retry-After: retryAfter`, then the block number. */
async function rateLimitedOnce(port: number, retryAfter: string) {
  const arrivals: number[] = []
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const { id } = JSON.parse(Buffer.concat(chunks).toString()) as { id: number }
    arrivals.push(performance.now())
    if (arrivals.length === 1) res.writeHead(429, { 'retry-after': retryAfter }).end('slow down')
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x2a' }))
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${port}`, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe('chain transport retries', () => {
  const servers: { close: () => Promise<void> }[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })

  it('waits the Retry-After a 429 asks for before retrying', async () => {
    const server = await rateLimitedOnce(45661, '2')
    servers.push(server)
    const client = createPublicClient({ transport: chainTransport({ name: 'test', rpcUrl: server.url, fallbackRpcUrls: [], rankRpcUrls: false }, { retryCount: 2 }) })
    expect(await client.getBlockNumber({ cacheTime: 0 })).toBe(42n)
    expect(server.arrivals).toHaveLength(2)
    expect(server.arrivals[1]! - server.arrivals[0]!).toBeGreaterThanOrEqual(1_900)
  })

  it.each([
    ['an hour in seconds', '3600'],
    ['a date a day away', () => new Date(Date.now() + 86_400_000).toUTCString()],
  ])('retries after MAX_RETRY_AFTER_SECONDS when Retry-After asks for %s', { timeout: 60_000 }, async (_what, value) => {
    const server = await rateLimitedOnce(45662, typeof value === 'function' ? value() : value)
    servers.push(server)
    const client = createPublicClient({ transport: chainTransport({ name: 'test', rpcUrl: server.url, fallbackRpcUrls: [], rankRpcUrls: false }, { retryCount: 2 }) })
    expect(await client.getBlockNumber({ cacheTime: 0 })).toBe(42n)
    expect(server.arrivals).toHaveLength(2)
    expect(server.arrivals[1]! - server.arrivals[0]!).toBeGreaterThanOrEqual(MAX_RETRY_AFTER_SECONDS * 1_000 - 100)
  })
})
