import { type Database, listen, testDatabases } from '@unimargin/db'
import { Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../../aggregator/index.js'
import { A, addr, B, C, createEmitter, E6, feeds, seedPrices, silentLogger, testConfig, tokens, usd } from '../../test-utils.js'
import { createApi, serveApi } from '../createApi.js'

const alice = addr(0xa11ce)
const clock = () => new Date(Number(1_700_000_100n) * 1000)

describe.each(testDatabases())('account view ETag on $kind', ({ kind, open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  const setup = async () => {
    const config = testConfig()
    // cached views never expire here: only a change notification can make the answer change
    const registry = new Registry()
    const app = createApi({ db: database.db, config, now: clock, registry, live: { viewMaxAgeMs: 3_600_000 } })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: clock })
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await aggregator.processPending()
    const computations = async () => Number(/ (\d+)$/m.exec(await registry.getSingleMetricAsString('unimargin_account_view_computations_total'))?.[1])
    return { app, aggregator, emitter, computations }
  }
  const get = (app: ReturnType<typeof createApi>, etag?: string) =>
    app.request(`/v1/accounts/${alice}`, etag ? { headers: { 'if-none-match': etag } } : {})
  /** the account's ETag once its view is cached: asked again, it is not computed again (the first request listens) */
  const cachedEtag = async (app: ReturnType<typeof createApi>, computations: () => Promise<number>) => {
    let etag = ''
    await expect
      .poll(async () => {
        etag = (await get(app)).headers.get('etag') ?? ''
        const before = await computations()
        const status = (await get(app, etag)).status
        return { status, computed: (await computations()) - before }
      })
      .toEqual({ status: 304, computed: 0 })
    return etag
  }

  it('answers 304 to If-None-Match while the account is unchanged, and 200 with a new ETag as soon as a deposit committed', async () => {
    const { app, aggregator, emitter, computations } = await setup()
    const first = await get(app)
    expect(first.status).toBe(200)
    // computed at the API's clock, which stands still here
    expect(first.headers.get('age')).toBe('0')
    const etag = await cachedEtag(app, computations)
    expect(etag).toMatch(/^"[\w-]+"$/)
    const unchanged = await get(app, etag)
    expect(unchanged.status).toBe(304)
    expect(await unchanged.text()).toBe('')

    await emitter.deposit(B, alice, tokens.usdcB, 1n * E6)
    await aggregator.processPending()
    // no wait: a cached read waits for the notifications of what committed before it
    const changed = await get(app, etag)
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
    expect(((await changed.json()) as { equityUsd8: string }).equityUsd8).toBe(String(usd(1001)))
  })

  it('shows what a deposit adds to its vault in the next read of the depositor, though every view shares one read of vault liquidity', async () => {
    const { app, aggregator, emitter, computations } = await setup()
    const withdrawableOnC = async () => {
      const view = (await (await get(app)).json()) as { withdrawable: Array<{ chainId: number; amount: string }> }
      return view.withdrawable.find((w) => w.chainId === C)?.amount
    }
    await cachedEtag(app, computations)
    // nothing is held on chain C yet: its vault can pay nothing
    expect(await withdrawableOnC()).toBe('0')
    await emitter.deposit(C, alice, tokens.usdcC, 100n * E6)
    await aggregator.processPending()
    expect(await withdrawableOnC()).toBe(String(100n * E6))
  })

  it('computes the views of the most recently active accounts once the server starts, so their first read is served from memory', async () => {
    const { emitter, aggregator } = await setup()
    const bob = addr(0xb0b)
    await emitter.deposit(B, bob, tokens.usdcB, 5n * E6)
    await aggregator.processPending()
    const registry = new Registry()
    const server = await serveApi({ db: database.db, config: testConfig(), now: clock, registry, port: 0, live: { viewMaxAgeMs: 3_600_000, warmViews: 10 } })
    try {
      const metric = async (name: string) => Number(/ (\d+)$/m.exec(await registry.getSingleMetricAsString(name))?.[1])
      await expect.poll(() => metric('unimargin_account_views_cached')).toBe(2)
      const computed = await metric('unimargin_account_view_computations_total')
      for (const account of [alice, bob]) expect((await fetch(`http://127.0.0.1:${server.port}/v1/accounts/${account}`)).status).toBe(200)
      expect(await metric('unimargin_account_view_computations_total')).toBe(computed)
    } finally {
      await server.close()
    }
  })

  it('drops cached views on a price change', async () => {
    const { app, aggregator, emitter, computations } = await setup()
    await emitter.deposit(A, alice, tokens.wethA, 10n ** 18n)
    await aggregator.processPending()
    const etag = await cachedEtag(app, computations)
    await emitter.price(A, feeds.ethA, usd(2100), 2n)
    await aggregator.processPending()
    expect((await get(app, etag)).status).toBe(200)
  })

  it('makes concurrent cached reads share read barriers on PostgreSQL (one round trip in flight and one waiting, however many readers) and needs none on PGlite', async () => {
    const { app, computations } = await setup()
    const etag = await cachedEtag(app, computations)
    const barriers: string[] = []
    const stop = await listen(database.db, 'unimargin_api_sync', { onMessage: (nonce) => barriers.push(nonce) })
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, () => get(app, etag)))
      expect(answers.map((r) => r.status)).toEqual(Array(40).fill(304))
      if (kind === 'pglite') {
        // embedded: a commit's notifications are in before the commit returns, so a read has nothing to wait for
        expect(barriers).toEqual([])
      } else {
        await expect.poll(() => barriers.length).toBeGreaterThan(0)
        expect(barriers.length).toBeLessThanOrEqual(2)
      }
    } finally {
      await stop()
    }
  })
})
