import SwaggerParser from '@apidevtools/swagger-parser'
import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testConfig } from '../test-utils.js'
import { createApi } from './createApi.js'

/** Routes served outside the document: the document itself, its page and the dashboard's files. */
const UNDOCUMENTED = new Set(['/openapi.json', '/docs', '/ui', '/ui/*'])

describe.each(testDatabases())('openapi document on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  it('serves an OpenAPI 3.1 document that validates and lists every route the API serves', async () => {
    const app = createApi({ db: database.db, config: testConfig() })
    const res = await app.request('/openapi.json')
    expect(res.status).toBe(200)
    const document = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(document.openapi).toBe('3.1.0')
    await SwaggerParser.validate(structuredClone(document) as never)
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && !UNDOCUMENTED.has(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`)
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path.replace(/(.)\/$/, '$1')}`))
    expect(new Set(documented)).toEqual(new Set(served))
    for (const path of ['/v1/chains', '/v1/assets', '/v1/markets', '/v1/prices', '/v1/accounts/{address}/withdrawals', '/v1/accounts/{address}/liquidations', '/v1/commands', '/v1/accounts', '/v1/accounts/{address}/stream', '/v1/stream'])
      expect(documented).toContain(`get ${path}`)
    expect(document.paths['/v1/accounts/{address}/stream']?.get).toMatchObject({ responses: { 200: { content: { 'text/event-stream': expect.anything() } } } })
  })

  it('serves the API reference page at /docs', async () => {
    const res = await createApi({ db: database.db, config: testConfig() }).request('/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(await res.text()).toContain('/openapi.json')
  })
})
