import { createDatabase, createFreshPostgres, type Database, testDatabases } from '@unimargin/db'
import { positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openEventStream } from '../../_test/liveClients.js'
import { createAggregator } from '../../aggregator/index.js'
import { A, addr, B, createEmitter, E6, E18, feeds, reporter, seedPrices, silentLogger, testConfig, tokens, usd } from '../../test-utils.js'
import type { AccountView } from '../../view/index.js'
import { type ApiServer, createApi, serveApi } from '../createApi.js'

const alice = addr(0xa11ce)
const clock = () => new Date(Number(1_700_000_100n) * 1000)

describe.each(testDatabases())('account event stream on $kind', ({ open }) => {
  let database: Database
  let server: ApiServer | undefined
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await server?.close()
    server = undefined
    await database.close()
  })

  const setup = async (live?: Parameters<typeof createApi>[0]['live']) => {
    const config = testConfig()
    const registry = new Registry()
    const app = createApi({ db: database.db, config, now: clock, registry, live })
    server = await serveApi({ app, db: database.db, config, port: 0 })
    const base = `http://127.0.0.1:${server.port}`
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: clock })
    const emitter = createEmitter(database.db)
    const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
    const computations = async () => {
      const metrics = await registry.getSingleMetricAsString('unimargin_account_view_computations_total')
      return Number(/ (\d+)$/m.exec(metrics)?.[1])
    }
    return { config, app, base, aggregator, emitter, domain, computations }
  }

  it('sends the account view as its snapshot, then an update with the new equity after a deposit, ids increasing', async () => {
    const { app, base, aggregator, emitter } = await setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await aggregator.processPending()
    const stream = await openEventStream(`${base}/v1/accounts/${alice.toLowerCase()}/stream`)
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream')
    const snapshot = await stream.next()
    expect(snapshot.event).toBe('snapshot')
    expect(snapshot.data).toBe(await (await app.request(`/v1/accounts/${alice}`)).text())
    expect((JSON.parse(snapshot.data) as AccountView).equityUsd8).toBe(String(usd(1000)))

    await emitter.deposit(A, alice, tokens.wethA, E18)
    await aggregator.processPending()
    const update = await stream.next()
    expect(update.event).toBe('update')
    expect(Number(update.id)).toBeGreaterThan(Number(snapshot.id))
    // 1000 USDC + 1 ETH at 2000 after a 10% haircut
    expect((JSON.parse(update.data) as AccountView).equityUsd8).toBe(String(usd(2800)))
    stream.close()
  })

  it('sends an update whose health changed after a position report and after a price change', async () => {
    const { base, aggregator, emitter, domain } = await setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await aggregator.processPending()
    const stream = await openEventStream(`${base}/v1/accounts/${alice}/stream`)
    const snapshot = JSON.parse((await stream.next()).data) as AccountView
    expect(snapshot.health).toBeNull()

    const report = { account: alice, market: 'ETH-PERP', size: E18, entryPrice: usd(2000), sequence: 1n }
    const posted = await fetch(`${base}/v1/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        report: { ...report, size: report.size.toString(), entryPrice: report.entryPrice.toString(), sequence: '1' },
        signature: await signPositionReport(reporter, report, domain),
      }),
    })
    expect(posted.status).toBe(200)
    const afterReport = JSON.parse((await stream.next()).data) as AccountView
    expect(afterReport.positions).toHaveLength(1)
    expect(afterReport.health).not.toBeNull()

    await emitter.price(A, feeds.ethA, usd(1900), 2n)
    await aggregator.processPending()
    const afterPrice = JSON.parse((await stream.next()).data) as AccountView
    expect(afterPrice.unrealizedPnlUsd8).toBe(String(-usd(100)))
    expect(Number(afterPrice.health)).toBeLessThan(Number(afterReport.health))
    stream.close()
  })

  it('computes a changed view once for two subscribers of the account', async () => {
    const { base, aggregator, emitter, computations } = await setup()
    await seedPrices(emitter)
    await aggregator.processPending()
    const first = await openEventStream(`${base}/v1/accounts/${alice}/stream`)
    const second = await openEventStream(`${base}/v1/accounts/${alice}/stream`)
    await first.next()
    await second.next()
    const before = await computations()

    await emitter.deposit(B, alice, tokens.usdcB, 500n * E6)
    await aggregator.processPending()
    const [a, b] = [await first.next(), await second.next()]
    expect(a.data).toBe(b.data)
    expect((JSON.parse(a.data) as AccountView).equityUsd8).toBe(String(usd(500)))
    expect(await computations()).toBe(before + 1)
    first.close()
    second.close()
  })

  it('sends no update to an account another account’s deposit does not alter', async () => {
    const { base, aggregator, emitter } = await setup()
    await seedPrices(emitter)
    await aggregator.processPending()
    const stream = await openEventStream(`${base}/v1/accounts/${alice}/stream`, 1_500)
    await stream.next()
    await emitter.deposit(B, addr(0xb0b), tokens.usdcB, 500n * E6)
    await aggregator.processPending()
    await expect(stream.next()).rejects.toThrow(/Timed out/)
    stream.close()
  })

  it('keeps an idle stream open with heartbeat comments', async () => {
    const { base } = await setup({ heartbeatMs: 50 })
    const abort = new AbortController()
    const response = await fetch(`${base}/v1/accounts/${alice}/stream`, { signal: abort.signal })
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (!text.includes(': heartbeat\n\n')) text += (await reader.read()).value ?? ''
    expect(text.startsWith('event: snapshot\n')).toBe(true)
    abort.abort()
  })

  it('ends its streams when the server closes', async () => {
    const { base } = await setup()
    const stream = await openEventStream(`${base}/v1/accounts/${alice}/stream`)
    await stream.next()
    await server!.close()
    server = undefined
    await expect(stream.next()).rejects.toThrow('The event stream ended.')
  })

  it('answers 400 naming the address for an invalid one', async () => {
    const { app } = await setup()
    const res = await app.request('/v1/accounts/0x1234/stream')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', issues: [{ path: 'address' }] } })
  })
})

describe.skipIf(!process.env.DATABASE_URL)('account event stream across nodes on postgres', () => {
  it('streams an update to an API on another node when this node’s aggregator commits a deposit', async () => {
    const fresh = await createFreshPostgres(process.env.DATABASE_URL!)
    const aggregatorNode = await createDatabase({ url: fresh.url })
    const apiNode = await createDatabase({ url: fresh.url, migrate: false })
    const config = testConfig()
    const server = await serveApi({ app: createApi({ db: apiNode.db, config, now: clock }), db: apiNode.db, config, port: 0 })
    try {
      const aggregator = createAggregator({ db: aggregatorNode.db, config, logger: silentLogger, now: clock })
      const emitter = createEmitter(aggregatorNode.db)
      await seedPrices(emitter)
      await aggregator.processPending()
      const stream = await openEventStream(`http://127.0.0.1:${server.port}/v1/accounts/${alice}/stream`)
      await stream.next()
      await emitter.deposit(B, alice, tokens.usdcB, 300n * E6)
      await aggregator.processPending()
      expect((JSON.parse((await stream.next()).data) as AccountView).equityUsd8).toBe(String(usd(300)))
      stream.close()
    } finally {
      await server.close()
      await apiNode.close()
      await aggregatorNode.close()
      await fresh.drop()
    }
  })
})
