import { type Database, testDatabases } from '@unimargin/db'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testConfig } from '../../test-utils.js'
import { createApi } from '../createApi.js'

const app = 'https://app.example.org'
const preflight = (origin: string) => ({ method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })

describe.each(testDatabases())('CORS, request ids and the access log on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })
  const api = (corsOrigins: string[] = [app]) => createApi({ db: database.db, config: testConfig(), corsOrigins })

  it('answers a preflight from an allowed origin and names the origin on its answers', async () => {
    const res = await api().request('/v1/accounts/0x00000000000000000000000000000000000a11ce/what-if', preflight(app))
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key')
    const get = await api().request('/v1/chains', { headers: { origin: app } })
    expect(get.headers.get('access-control-allow-origin')).toBe(app)
    expect(get.headers.get('access-control-expose-headers')).toContain('x-request-id')
  })

  it('refuses a preflight from an origin not allowed with 403, and sends it no CORS header', async () => {
    const res = await api().request('/v1/chains', preflight('https://evil.example'))
    expect(res.status).toBe(403)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(await res.json()).toMatchObject({ error: { code: 'cors_origin_refused', message: expect.stringContaining('https://evil.example') } })
    const get = await api().request('/v1/chains', { headers: { origin: 'https://evil.example' } })
    expect(get.headers.get('access-control-allow-origin')).toBeNull()
    expect((await api([]).request('/v1/chains', preflight(app))).status).toBe(403)
    expect((await api(['*']).request('/v1/chains', preflight('https://any.example'))).headers.get('access-control-allow-origin')).toBe('https://any.example')
  })

  it('echoes the client request id, else makes one, and repeats it in error bodies and the access log', async () => {
    const lines: Record<string, unknown>[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) })
    const served = createApi({ db: database.db, config: testConfig(), logger })
    const echoed = await served.request('/v1/accounts/0x12', { headers: { 'x-request-id': 'front-end-42' } })
    expect(echoed.status).toBe(400)
    expect(echoed.headers.get('x-request-id')).toBe('front-end-42')
    expect(await echoed.json()).toMatchObject({ error: { code: 'invalid_request', requestId: 'front-end-42', issues: [{ path: 'address' }] } })
    const made = await served.request('/nowhere')
    const id = made.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await made.json()).toMatchObject({ error: { code: 'not_found', requestId: id } })
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'Served request', request_id: 'front-end-42', method: 'GET', path: '/v1/accounts/0x12', status: 400, client: 'in-process' }))
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'Served request', request_id: id, status: 404 }))
  })
})
