import { chainCheckpoints, type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../../aggregator/index.js'
import { A, addr, B, C, createEmitter, feeds, seedPrices, silentLogger, T0, testConfig, tokens, usd, vaults } from '../../test-utils.js'
import { createApi } from '../createApi.js'

describe.each(testDatabases())('discovery routes on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })
  // 100 s after the prices' timestamp
  const clock = () => new Date(Number(T0 + 100n) * 1000)
  const body = async (path: string) => {
    const res = await createApi({ db: database.db, config: testConfig(), now: clock }).request(path)
    expect(res.status).toBe(200)
    return res.json() as Promise<Record<'chains' | 'assets' | 'markets' | 'prices', Record<string, unknown>[]>>
  }
  const processed = () => createAggregator({ db: database.db, config: testConfig(), logger: silentLogger, now: clock }).processPending()

  it('lists every chain with its vault, transport, finality and the watcher head and lag', async () => {
    await database.db.insert(chainCheckpoints).values({ chainId: B, blockNumber: 90n, blockHash: `0x${'00'.repeat(32)}`, headBlock: 95n, headSeenAt: new Date(clock().getTime() - 4000) })
    const { chains } = await body('/v1/chains')
    expect(chains.map((c) => c.chainId)).toEqual([A, B, C])
    expect(chains[0]).toMatchObject({ hub: true, vault: vaults[A], transport: 'wormhole', finality: 'confirmations', headBlock: null, lagBlocks: null })
    expect(chains[1]).toMatchObject({ hub: false, headBlock: '95', checkpointBlock: '90', lagBlocks: '5', headAgeSeconds: 4, halted: null })
    expect(chains[1]?.assets).toEqual([{ symbol: 'USDC', address: tokens.usdcB, decimals: 6 }])
  })

  it('lists every asset per chain with its haircuts and its price, or null before the feed was read', async () => {
    const emitter = createEmitter(database.db)
    await emitter.price(A, feeds.ethA, usd(2000))
    // a later block on A: the price is 100 s old by the chain's clock
    emitter.tick(100)
    await emitter.deposit(A, addr(0xa11ce), tokens.wethA, 1n)
    await processed()
    const { assets } = await body('/v1/assets')
    expect(assets).toHaveLength(4)
    expect(assets.find((a) => a.chainId === A)).toMatchObject({
      symbol: 'ETH',
      address: tokens.wethA,
      haircutBps: 1000,
      riskCancelling: true,
      price: { priceUsd8: String(usd(2000)), priceUsd: '2000', ageSeconds: '100', stale: false },
    })
    expect(assets.find((a) => a.chainId === B)).toMatchObject({ symbol: 'USDC', haircutBps: 0, price: null })
  })

  it('lists markets with their mark price and every price the hub holds', async () => {
    await seedPrices(createEmitter(database.db), usd(2500))
    await processed()
    const { markets } = await body('/v1/markets')
    expect(markets).toEqual([
      expect.objectContaining({ symbol: 'ETH-PERP', underlying: 'ETH', imfBps: 1000, mmfBps: 500, instrument: { kind: 'perp' }, markPriceUsd8: String(usd(2500)), markPriceUsd: '2500' }),
    ])
    const { prices } = await body('/v1/prices')
    expect(prices.map((p) => [p.chainId, p.symbol, p.priceUsd])).toEqual([
      [A, 'ETH', '2500'],
      [B, 'USDC', '1'],
      [C, 'ETH', '2500'],
      [C, 'USDC', '1'],
    ])
  })
})
