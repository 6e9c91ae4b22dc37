import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addr, E18, testConfig, tokens, A } from '../test-utils.js'
import type { WhatIfPool } from '../whatif/index.js'
import { createApi } from './createApi.js'
import type { ApiLimitsParameters } from './limits.js'

const alice = addr(0xa11ce)
const clock = () => new Date(1_700_000_100_000)
const summary = { equityUsd8: '0', imUsd8: '0', mmUsd8: '0', freeCollateralUsd8: '0', health: null, worstScenario: null }
/** a pool that answers at once: these tests are about what reaches it */
const instantPool: WhatIfPool = { run: async () => ({ before: summary, after: summary }), close: async () => {} }
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
})
/** the bindings @hono/node-server gives a request from `address` */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 1, remoteFamily: 'IPv4' } } })

describe.each(testDatabases())('api limits on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })
  const apiWith = (limits: ApiLimitsParameters = {}) => createApi({ db: database.db, config: testConfig(), now: clock, limits, whatIfPool: instantPool })
  const whatIfPath = `/v1/accounts/${alice}/what-if`

  describe('body limit', () => {
    it('refuses a body over the limit with 413 without parsing it', async () => {
      const app = apiWith({ bodyLimitBytes: 1024 })
      // not JSON at all: a 400 would mean it was parsed
      const res = await app.request('/v1/positions', json(`{${'x'.repeat(1024)}`))
      expect(res.status).toBe(413)
      expect(await res.json()).toEqual({ error: { code: 'body_too_large', message: 'The request body exceeds the limit of 1024 bytes.', requestId: expect.any(String) } })
    })

    it('refuses a streamed body without Content-Length once it passes the limit', async () => {
      const app = apiWith({ bodyLimitBytes: 1024 })
      const chunk = new TextEncoder().encode(' '.repeat(512))
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // a client that would go on sending forever
          sent++
          controller.enqueue(chunk)
        },
      })
      const res = await app.request(whatIfPath, { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit)
      expect(res.status).toBe(413)
      expect(sent).toBeLessThan(10)
    })

    it('refuses a default-limit (64 KiB) what-if body with 413 and accepts one just under it', async () => {
      const app = apiWith()
      const body = JSON.stringify({ positions: [{ market: 'ETH-PERP', size: String(E18) }] })
      const over = await app.request(whatIfPath, json(body + ' '.repeat(64 * 1024 - body.length + 1)))
      expect(over.status).toBe(413)
      expect(await over.json()).toMatchObject({ error: { code: 'body_too_large', message: expect.stringContaining('65536 bytes') } })
      const at = await app.request(whatIfPath, json(body + ' '.repeat(64 * 1024 - body.length)))
      expect(at.status).toBe(200)
    })
  })

  describe('numeric bounds', () => {
    const issuesOf = async (res: Response) => {
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: { code: string; message: string; issues: { path: string; message: string }[] } }
      expect(body.error.code).toBe('invalid_request')
      return body.error
    }

    it('refuses a what-if integer of more than 77 digits with a 400 naming the field, before parsing it', async () => {
      const app = apiWith()
      const error = await issuesOf(await app.request(whatIfPath, json({ positions: [{ market: 'ETH-PERP', size: '9'.repeat(60_000) }] })))
      expect(error.issues).toEqual([{ path: 'positions.0.size', message: 'must be a signed decimal integer of at most 77 digits (int256, size delta, 18 decimals)' }])
      expect(error.message).toContain('positions.0.size')
    })

    it('refuses a size outside int256 and a collateral amount outside ±uint256 with a 400 naming each field', async () => {
      const app = apiWith()
      const error = await issuesOf(
        await app.request(
          whatIfPath,
          json({
            positions: [{ market: 'ETH-PERP', size: String(2n ** 255n) }],
            collateral: [
              { chainId: A, asset: tokens.wethA, amount: String(-(2n ** 256n)) },
              { chainId: A, asset: tokens.wethA, amount: '1'.repeat(79) },
            ],
          }),
        ),
      )
      expect(error.issues).toEqual([
        { path: 'positions.0.size', message: 'must fit int256 (size delta, 18 decimals)' },
        { path: 'collateral.0.amount', message: 'must fit ±uint256 (amount delta, token base units)' },
        { path: 'collateral.1.amount', message: expect.stringContaining('at most 78 digits') },
      ])
    })

    it('accepts the extreme int256 size and ±uint256 amount', async () => {
      const app = apiWith()
      const res = await app.request(
        whatIfPath,
        json({ positions: [{ market: 'ETH-PERP', size: String(-(2n ** 255n)) }], collateral: [{ chainId: A, asset: tokens.wethA, amount: String(2n ** 256n - 1n) }] }),
      )
      expect(res.status).toBe(200)
    })

    it('refuses a chain id above 2^53 − 1 and a market name over 64 characters with a 400 naming the field', async () => {
      const app = apiWith()
      const error = await issuesOf(
        await app.request(
          whatIfPath,
          json({ positions: [{ market: 'X'.repeat(65), size: '1' }], collateral: [{ chainId: 2 ** 53, asset: tokens.wethA, amount: '1' }] }),
        ),
      )
      expect(error.issues.map((i) => i.path)).toEqual(['positions.0.market', 'collateral.0.chainId'])
    })

    it('refuses a what-if naming more than 50 position changes with a 400 naming the list', async () => {
      const app = apiWith()
      const positions = Array.from({ length: 51 }, () => ({ market: 'ETH-PERP', size: '1' }))
      const error = await issuesOf(await app.request(whatIfPath, json({ positions })))
      expect(error.issues.map((i) => i.path)).toEqual(['positions'])
    })
  })

  describe('rate limits', () => {
    const whatIf = json({ positions: [{ market: 'ETH-PERP', size: String(E18) }] })

    it('answers 429 with Retry-After once a client exceeds its what-if rate, while its cheap GETs still pass', async () => {
      const app = apiWith({ rateLimit: { windowMs: 60_000, limit: 100, whatIfLimit: 2 } })
      for (let i = 0; i < 2; i++) {
        const res = await app.request(whatIfPath, whatIf)
        expect(res.status).toBe(200)
        expect(res.headers.get('ratelimit')).toBe(`limit=2, remaining=${1 - i}, reset=60`)
      }
      const limited = await app.request(whatIfPath, whatIf)
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(limited.headers.get('ratelimit-policy')).toBe('2;w=60')
      expect(await limited.json()).toEqual({ error: { code: 'rate_limited', message: 'Too many what-ifs: at most 2 per 60 s for one client.', requestId: expect.any(String) } })
      expect((await app.request(`/v1/accounts/${alice}`)).status).toBe(200)
    })

    it('answers 429 once a client exceeds its request rate on /v1, and never limits /health', async () => {
      const app = apiWith({ rateLimit: { limit: 2 } })
      expect((await app.request(`/v1/accounts/${alice}`)).status).toBe(200)
      expect((await app.request(`/v1/accounts/${alice}`)).status).toBe(200)
      const limited = await app.request(`/v1/accounts/${alice}`)
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).not.toBeNull()
      expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } })
      for (let i = 0; i < 5; i++) expect((await app.request('/health')).status).toBe(200)
    })

    it('counts each client IP apart, and a configured API key apart from its IP', async () => {
      const app = apiWith({ rateLimit: { limit: 1, apiKeys: ['k-0123456789abcdef'] } })
      const get = (ip: string, headers: Record<string, string> = {}) => app.request(`/v1/accounts/${alice}`, { headers }, from(ip))
      expect((await get('10.0.0.1')).status).toBe(200)
      expect((await get('10.0.0.1')).status).toBe(429)
      expect((await get('10.0.0.2')).status).toBe(200)
      expect((await get('10.0.0.1', { 'x-api-key': 'k-0123456789abcdef' })).status).toBe(200)
      expect((await get('10.0.0.3', { 'x-api-key': 'k-0123456789abcdef' })).status).toBe(429)
    })

    it('refuses an API key that is not configured with 401 rather than counting it as a new client', async () => {
      const app = apiWith({ rateLimit: { apiKeys: ['k-0123456789abcdef'] } })
      const res = await app.request(`/v1/accounts/${alice}`, { headers: { 'x-api-key': 'guessed' } })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ error: { code: 'invalid_api_key', message: 'The x-api-key header names no configured API key.', requestId: expect.any(String) } })
    })
  })
})
