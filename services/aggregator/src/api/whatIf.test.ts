import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { holdingWhatIfWorker, openWhatIfGate } from '../_test/whatIfGate.js'
import { createAggregator } from '../aggregator/index.js'
import { addr, B, createEmitter, E6, E18, seedPrices, silentLogger, testConfig, tokens } from '../test-utils.js'
import { createWhatIfPool, type WhatIfPool } from '../whatif/index.js'
import { createApi, serveApi } from './createApi.js'

const alice = addr(0xa11ce)
const clock = () => new Date(1_700_000_100_000)
const whatIfPath = `/v1/accounts/${alice}/what-if`
const oneEth = { method: 'POST', body: JSON.stringify({ positions: [{ market: 'ETH-PERP', size: String(E18) }] }), headers: { 'content-type': 'application/json' } }

describe.each(testDatabases())('what-if in the worker pool on $kind', ({ open }) => {
  let database: Database
  let gate: ReturnType<typeof openWhatIfGate>
  let pool: WhatIfPool | undefined
  beforeEach(async () => {
    database = await open()
    gate = openWhatIfGate()
  })
  afterEach(async () => {
    await pool?.close()
    pool = undefined
    gate.close()
    await database.close()
  })
  const seeded = async () => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await createAggregator({ db: database.db, config, logger: silentLogger, now: clock }).processPending()
    return config
  }

  it('keeps answering /health while a what-if runs in the pool', async () => {
    const config = await seeded()
    pool = createWhatIfPool({ config, worker: holdingWhatIfWorker })
    const app = createApi({ db: database.db, config, now: clock, whatIfPool: pool })
    let settled = false
    const whatIf = Promise.resolve(app.request(whatIfPath, oneEth)).finally(() => {
      settled = true
    })
    // the worker now holds its thread in a synchronous wait: were it this thread, nothing below could run
    await gate.holding()
    const health = await app.request('/health')
    expect(health.status).toBe(200)
    expect(settled).toBe(false)
    gate.release()
    const res = await whatIf
    expect(res.status).toBe(200)
    // 1000 USDC; 1 ETH long at the 2000 mark needs 200 of IM
    expect(await res.json()).toMatchObject({ before: { imUsd8: '0' }, after: { imUsd8: String(200n * 10n ** 8n) } })
  })

  it('answers 503 when a what-if exceeds its timeout', async () => {
    const config = await seeded()
    pool = createWhatIfPool({ config, worker: holdingWhatIfWorker, timeoutMs: 300 })
    const app = createApi({ db: database.db, config, now: clock, whatIfPool: pool })
    // never released: the timeout abandons it and terminates its thread
    const res = await app.request(whatIfPath, oneEth)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(await res.json()).toEqual({ error: { code: 'what_if_timeout', message: 'The what-if did not finish within 300 ms.', requestId: expect.any(String) } })
    expect((await app.request('/health')).status).toBe(200)
  })

  it('answers 503 with Retry-After when every thread is busy and the queue is full', async () => {
    const config = await seeded()
    pool = createWhatIfPool({ config, worker: holdingWhatIfWorker, maxThreads: 1, maxQueue: 0 })
    const app = createApi({ db: database.db, config, now: clock, whatIfPool: pool })
    const first = app.request(whatIfPath, oneEth)
    await gate.holding()
    const refused = await app.request(whatIfPath, oneEth)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(await refused.json()).toEqual({ error: { code: 'busy', message: 'Too many what-ifs are waiting (0); try again shortly.', requestId: expect.any(String) } })
    gate.release()
    expect((await first).status).toBe(200)
  })

  it('answers an unknown market computed in the pool with a 400 naming it', async () => {
    const config = await seeded()
    pool = createWhatIfPool({ config })
    const app = createApi({ db: database.db, config, now: clock, whatIfPool: pool })
    const res = await app.request(whatIfPath, { ...oneEth, body: JSON.stringify({ positions: [{ market: 'DOGE-PERP', size: '1' }] }) })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_instrument', message: expect.stringContaining('DOGE-PERP') } })
  })

  it('serves a what-if over HTTP from the pool serveApi builds, and counts the client by its socket address', async () => {
    const config = await seeded()
    const server = await serveApi({ db: database.db, config, now: clock, port: 0, limits: { rateLimit: { whatIfLimit: 1 } } })
    try {
      const url = `http://127.0.0.1:${server.port}${whatIfPath}`
      const res = await fetch(url, oneEth)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ after: { imUsd8: String(200n * 10n ** 8n) } })
      expect((await fetch(url, oneEth)).status).toBe(429)
    } finally {
      await server.close()
    }
  })
})
