import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testConfig } from '../test-utils.js'
import { serveApi } from './createApi.js'

/** this file's port (46600-46699) */
const PORT = 46601
const origin = 'https://app.example.org'

describe.each(testDatabases())('the API over HTTP for a browser app on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  it('answers a browser preflight, discovery with its request id, the OpenAPI document, and rate-limits by socket address', async () => {
    const server = await serveApi({
      db: database.db,
      config: testConfig(),
      port: PORT,
      hostname: '127.0.0.1',
      corsOrigins: [origin],
      // the preflight is not counted: /v1/chains and /v1/prices pass, /v1/markets is the third
      limits: { rateLimit: { limit: 2 } },
    })
    try {
      const base = `http://127.0.0.1:${PORT}`
      const preflight = await fetch(`${base}/v1/chains`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin)
      const chains = await fetch(`${base}/v1/chains`, { headers: { origin, 'x-request-id': 'browser-1' } })
      expect(chains.status).toBe(200)
      expect(chains.headers.get('x-request-id')).toBe('browser-1')
      expect(chains.headers.get('access-control-allow-origin')).toBe(origin)
      expect(((await chains.json()) as { chains: unknown[] }).chains).toHaveLength(3)
      const document = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string }
      expect(document.openapi).toBe('3.1.0')
      await fetch(`${base}/v1/prices`)
      const limited = await fetch(`${base}/v1/markets`, { headers: { origin } })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      // the browser may read why and when to retry
      expect(limited.headers.get('access-control-expose-headers')).toContain('retry-after')
      expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited', requestId: limited.headers.get('x-request-id') } })
    } finally {
      await server.close()
    }
  })
})
