import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Hex, hexToBytes, keccak256, pad, stringToHex } from 'viem'
import { afterEach, describe, expect, it } from 'vitest'
import { AttestationError, AttestationTimeoutError } from './errors.js'
import type { MessageObservation } from './observation.js'
import { signVaa } from './sign.js'
import { createWormholescanAttester } from './wormholescan.js'

const keys = [0, 1, 2].map((i) => keccak256(stringToHex(`guardian ${i}`)))
const observation: MessageObservation = {
  emitterChain: 10002,
  emitterAddress: pad('0x5FbDB2315678afecb367f032d93F642f64180aa3', { size: 32 }),
  sequence: 2n ** 60n + 5n,
  nonce: 9,
  timestamp: 1_700_000_000,
  consistencyLevel: 200,
  payload: stringToHex('approve withdrawal'),
}
const expectedPath = `/api/v1/vaas/10002/${'00'.repeat(12)}5fbdb2315678afecb367f032d93f642f64180aa3/${2n ** 60n + 5n}`
const signed = (o: MessageObservation) => signVaa(o, keys, { guardianSetIndex: 0 })
const base64 = (vaa: Hex) => Buffer.from(hexToBytes(vaa)).toString('base64')

type Reply = { status: number; body?: unknown }
const servers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()))
})

/** Starts an HTTP server on 127.0.0.1 that answers with `replies` in turn (repeating the last), recording paths. */
async function serve(replies: Reply[]) {
  const paths: string[] = []
  const times: number[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '')
    times.push(Date.now())
    const reply = replies[Math.min(paths.length - 1, replies.length - 1)]!
    res.writeHead(reply.status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(reply.body ?? { code: 5, message: 'NOT FOUND', details: [] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(() => new Promise((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return { apiUrl: `http://127.0.0.1:${port}/`, paths, times }
}

describe('createWormholescanAttester', () => {
  it('polls the Wormholescan VAA path until the VAA appears (404, 404, then 200)', async () => {
    const vaa = signed(observation)
    const api = await serve([{ status: 404 }, { status: 404 }, { status: 200, body: { data: { vaa: base64(vaa) } } }])
    const attester = createWormholescanAttester({ apiUrl: api.apiUrl, pollIntervalMs: 20, timeoutMs: 5_000 })
    expect(await attester.attest(observation)).toBe(vaa)
    expect(api.paths).toEqual([expectedPath, expectedPath, expectedPath])
  })

  it('doubles the wait between attempts up to the cap', async () => {
    const vaa = signed(observation)
    const api = await serve([
      { status: 404 },
      { status: 503 },
      { status: 429 },
      { status: 200, body: { data: {} } },
      { status: 200, body: { data: { vaa: base64(vaa) } } },
    ])
    const attester = createWormholescanAttester({
      apiUrl: api.apiUrl,
      pollIntervalMs: 40,
      maxPollIntervalMs: 100,
      timeoutMs: 5_000,
    })
    expect(await attester.attest(observation)).toBe(vaa)
    const gaps = api.times.slice(1).map((t, i) => t - api.times[i]!)
    expect(gaps).toHaveLength(4)
    // waits of 40, 80, 100, 100 ms (timers may fire a little late, never early)
    for (const [i, wait] of [40, 80, 100, 100].entries()) expect(gaps[i]!).toBeGreaterThanOrEqual(wait - 2)
  })

  it('throws AttestationError when the VAA attests a different message', async () => {
    const other = signed({ ...observation, payload: stringToHex('approve a different withdrawal') })
    const api = await serve([{ status: 200, body: { data: { vaa: base64(other) } } }])
    const attester = createWormholescanAttester({ apiUrl: api.apiUrl, pollIntervalMs: 10, timeoutMs: 2_000 })
    const error = await attester.attest(observation).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AttestationError)
    expect((error as AttestationError).message).toMatch(/payload differ/)
    expect((error as AttestationError).vaa).toBe(other)
  })

  it('throws AttestationError when the emitter or sequence of the VAA differ', async () => {
    const other = signed({ ...observation, sequence: observation.sequence + 1n, emitterChain: 2 })
    const api = await serve([{ status: 200, body: { data: { vaa: base64(other) } } }])
    const attester = createWormholescanAttester({ apiUrl: api.apiUrl, pollIntervalMs: 10, timeoutMs: 2_000 })
    await expect(attester.attest(observation)).rejects.toThrow(/emitterChain, sequence differ/)
  })

  it('throws AttestationError when the answer is not a VAA', async () => {
    const api = await serve([{ status: 200, body: { data: { vaa: Buffer.from('hello').toString('base64') } } }])
    const attester = createWormholescanAttester({ apiUrl: api.apiUrl, pollIntervalMs: 10, timeoutMs: 2_000 })
    await expect(attester.attest(observation)).rejects.toThrow(/not a VAA/)
  })

  it('throws AttestationError at once on a client error other than 404/408/425/429', async () => {
    const api = await serve([{ status: 400, body: { code: 3, message: 'INVALID ARGUMENT' } }])
    const attester = createWormholescanAttester({ apiUrl: api.apiUrl, pollIntervalMs: 10, timeoutMs: 2_000 })
    await expect(attester.attest(observation)).rejects.toThrow(/HTTP 400.*INVALID ARGUMENT/)
    expect(api.paths).toHaveLength(1)
  })

  it('throws AttestationTimeoutError when the VAA never appears', async () => {
    const api = await serve([{ status: 404 }])
    const attester = createWormholescanAttester({ apiUrl: api.apiUrl, pollIntervalMs: 20, timeoutMs: 200 })
    const started = Date.now()
    const error = await attester.attest(observation).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AttestationTimeoutError)
    expect(Date.now() - started).toBeLessThan(1_000)
    // the last attempt may be cut off by the deadline before it reaches the server
    const { attempts } = error as AttestationTimeoutError
    expect(attempts - api.paths.length).toBeGreaterThanOrEqual(0)
    expect(attempts - api.paths.length).toBeLessThanOrEqual(1)
    expect(api.paths.length).toBeGreaterThanOrEqual(3)
  })

  it('retries when the server is unreachable, then times out', async () => {
    const api = await serve([{ status: 404 }])
    await Promise.all(servers.splice(0).map((close) => close()))
    const attester = createWormholescanAttester({ apiUrl: api.apiUrl, pollIntervalMs: 10, timeoutMs: 150 })
    const error = await attester.attest(observation).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AttestationTimeoutError)
    expect((error as AttestationTimeoutError).attempts).toBeGreaterThan(1)
  })

  it('uses an injected fetch', async () => {
    const vaa = signed(observation)
    const urls: string[] = []
    const attester = createWormholescanAttester({
      apiUrl: 'https://api.wormholescan.io',
      pollIntervalMs: 10,
      timeoutMs: 1_000,
      fetch: async (input) => {
        urls.push(String(input))
        return new Response(JSON.stringify({ data: { vaa: base64(vaa) } }), { status: 200 })
      },
    })
    expect(await attester.attest(observation)).toBe(vaa)
    expect(urls).toEqual([`https://api.wormholescan.io${expectedPath}`])
  })
})
