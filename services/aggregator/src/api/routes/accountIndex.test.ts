import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../../aggregator/index.js'
import { positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { A, addr, B, createEmitter, E6, E18, reporter, seedPrices, silentLogger, testConfig, tokens, usd } from '../../test-utils.js'
import { createApi } from '../createApi.js'

const clock = () => new Date(1_700_000_100_000)
const operatorKey = 'operator-key-0123456789'
const [alice, bob, carol] = [addr(0xa11ce), addr(0xb0b), addr(0xca501)]

describe.each(testDatabases())('operator account list on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  it('refuses a request without a configured API key with 401', async () => {
    const app = createApi({ db: database.db, config: testConfig(), now: clock, limits: { rateLimit: { apiKeys: [operatorKey] } } })
    const res = await app.request('/v1/accounts?sort=health')
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'api_key_required' } })
    const unconfigured = createApi({ db: database.db, config: testConfig(), now: clock })
    expect((await unconfigured.request('/v1/accounts', { headers: { 'x-api-key': operatorKey } })).status).toBe(401)
  })

  it('lists accounts least healthy first in pages, accounts without a requirement last', async () => {
    const config = testConfig()
    const app = createApi({ db: database.db, config, now: clock, limits: { rateLimit: { apiKeys: [operatorKey] } } })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: clock })
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await emitter.deposit(B, bob, tokens.usdcB, 300n * E6)
    await emitter.deposit(A, carol, tokens.wethA, E18)
    await aggregator.processPending()
    const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
    for (const [account, sequence] of [
      [alice, 1n],
      [bob, 2n],
    ] as const) {
      const report = { account, market: 'ETH-PERP', size: E18, entryPrice: usd(2000), sequence }
      const body = { report: { ...report, size: String(E18), entryPrice: String(usd(2000)), sequence: String(sequence) }, signature: await signPositionReport(reporter, report, domain) }
      const res = await app.request('/v1/positions', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
      expect(res.status).toBe(200)
    }
    const headers = { 'x-api-key': operatorKey }
    const first = await app.request('/v1/accounts?sort=health&limit=2', { headers })
    expect(first.status).toBe(200)
    const page = (await first.json()) as { items: { address: string; health: string | null; equityUsd: string }[]; nextCursor: string }
    // bob: 300 / 100 MM, alice: 1000 / 100 MM, carol: no position
    expect(page.items).toEqual([
      expect.objectContaining({ address: bob, health: '3.0000', equityUsd: '300' }),
      expect.objectContaining({ address: alice, health: '10.0000' }),
    ])
    const rest = (await (await app.request(`/v1/accounts?sort=health&limit=2&cursor=${page.nextCursor}`, { headers })).json()) as { items: { address: string; health: string | null }[]; nextCursor: string | null }
    expect(rest).toEqual({ items: [expect.objectContaining({ address: carol, health: null })], nextCursor: null })
  })
})
