import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatabase, type Database } from '@unimargin/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from '../test-utils.js'
import { createApi } from './createApi.js'

describe('the dashboard under /ui', () => {
  let database: Database
  let dir: string
  beforeAll(async () => {
    database = await createDatabase()
    dir = mkdtempSync(join(tmpdir(), 'unimargin-dashboard-'))
  })
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const api = (dashboardDir?: string) => createApi({ db: database.db, config: testConfig(), dashboardDir })

  it('answers a JSON 404 naming the missing dashboard when the node was given none', async () => {
    const res = await api().request('/ui/')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('dashboard_not_configured')
  })

  it('answers a JSON 503 telling to build it while the folder holds no index.html, and serves the build made later', async () => {
    const app = api(dir)
    const before = await app.request('/ui/')
    expect(before.status).toBe(503)
    const body = (await before.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('dashboard_not_built')
    expect(body.error.message).toContain('pnpm build')

    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dashboard</title>')
    writeFileSync(join(dir, 'assets/app.js'), 'console.log(1)')
    const index = await app.request('/ui/')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toContain('text/html')
    expect(await index.text()).toContain('<title>dashboard</title>')
    const script = await app.request('/ui/assets/app.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toContain('javascript')
  })

  it('redirects /ui to /ui/ and answers a JSON 404 for a file the build does not have', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html>')
    const app = api(dir)
    const bare = await app.request('/ui')
    expect(bare.status).toBe(301)
    expect(bare.headers.get('location')).toBe('/ui/')
    const missing = await app.request('/ui/assets/missing.js')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found')
  })
})
