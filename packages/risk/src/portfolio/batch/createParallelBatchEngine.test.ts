import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { accountWithWrappedArb, market } from '../testing/arbitraries.js'
import type { MarketState } from '../types.js'
import { type BatchBook, createBatchEngine } from './createBatchEngine.js'
import { createParallelBatchEngine } from './createParallelBatchEngine.js'
import { isShared } from './shared.js'

const engine = createPortfolioEngine()
// two worker threads beside the test's thread, and every tick split however small
const parallel = createParallelBatchEngine(engine, { workers: 2, minAccountsPerThread: 1 })
afterAll(() => parallel.close())

const bits = (x: Float64Array | Uint16Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)
const expectSameBits = (a: BatchBook, b: BatchBook) => {
  for (const key of ['equityUsd', 'riskUsd', 'minPnlUsd', 'gapUsd', 'worstScenario'] as const) {
    expect(bits(a.results[key]).equals(bits(b.results[key])), key).toBe(true)
  }
}
const moveSpot = (m: MarketState, u: string, move: number): MarketState => {
  const q = m.underlyings[u]!
  return { ...m, underlyings: { ...m.underlyings, [u]: { ...q, spotUsd8: (q.spotUsd8 * BigInt(Math.round((1 + move) * 1e6))) / 1_000_000n } } }
}

describe('parallel batch engine', () => {
  it('revalues books with risk-cancelling collateral on worker threads with the single-threaded results, bit for bit', async () => {
    const single = createBatchEngine(engine)
    for (const seed of [3, 17, 29]) {
      const list = fc.sample(accountWithWrappedArb, { numRuns: 150, seed })
      const one = single.buildAccounts(list, market.nowMs)
      const many = parallel.buildAccounts(list, market.nowMs)
      const reference = single.load(one.accounts, one.assetPrice, market)
      const book = await parallel.load(many.accounts, many.assetPrice, market)
      for (const x of [book.results.riskUsd, book.accounts.positionQty, book.prices.matrix, book.naked.start, book.naked.units, book.exposure.accounts]) expect(isShared(x)).toBe(true)
      expectSameBits(book, reference)
      const moved = moveSpot(moveSpot(market, 'ETH', -0.05), 'BTC', 0.03)
      single.revalueAll(reference, moved)
      await parallel.revalueAll(book, moved)
      expectSameBits(book, reference)
      for (let a = 0; a < list.length; a++) expect(parallel.accountRisk(book, a)).toEqual(single.accountRisk(reference, a))
    }
  })

  it('re-checks ticks on worker threads with the single-threaded results, bit for bit, collateral prices included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ u: fc.constantFrom('BTC', 'ETH', 'SOL'), move: fc.double({ min: -0.08, max: 0.08, noNaN: true }) }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 1_000 }),
        async (ticks, seed) => {
          const single = createBatchEngine(engine)
          const list = fc.sample(accountWithWrappedArb, { numRuns: 80, seed })
          const one = single.buildAccounts(list, market.nowMs)
          const many = parallel.buildAccounts(list, market.nowMs)
          const reference = single.load(one.accounts, one.assetPrice, market)
          const book = await parallel.load(many.accounts, many.assetPrice, market)
          let m = market
          for (const { u, move } of ticks) {
            m = moveSpot(m, u, move)
            // collateral following the ticked underlying moves with its spot (rows of each engine's own asset table)
            const spot = Number(m.underlyings[u]!.spotUsd8) / 1e8
            const follows = (table: readonly string[]) => new Map(table.flatMap((f, row) => (f === u ? [[row, spot] as const] : [])))
            const exposed = single.tick(reference, m, u, follows(single.assets.follows))
            expect(await parallel.tick(book, m, u, follows(parallel.assets.follows))).toBe(exposed)
            expect(book.lastTick).toEqual(reference.lastTick)
            expectSameBits(book, reference)
          }
        },
      ),
      { numRuns: 15 },
    )
  })

  it('keeps revaluing a loaded book bit for bit after other books added instruments to the table', async () => {
    const single = createBatchEngine(engine)
    const grow = createParallelBatchEngine(engine, { workers: 1 })
    try {
      const first = fc.sample(accountWithWrappedArb, { numRuns: 60, seed: 41 })
      const one = single.buildAccounts(first, market.nowMs)
      const many = grow.buildAccounts(first, market.nowMs)
      const reference = single.load(one.accounts, one.assetPrice, market)
      const book = await grow.load(many.accounts, many.assetPrice, market)
      const rows = grow.instruments.instruments.length
      // a second book with other instruments: the shared matrix of the first no longer fits the table
      const second = fc.sample(accountWithWrappedArb, { numRuns: 60, seed: 97 })
      single.buildAccounts(second, market.nowMs)
      grow.buildAccounts(second, market.nowMs)
      expect(grow.instruments.instruments.length).toBeGreaterThan(rows)
      const moved = moveSpot(market, 'BTC', 0.04)
      single.revalueAll(reference, moved)
      await grow.revalueAll(book, moved)
      expectSameBits(book, reference)
      single.tick(reference, moveSpot(moved, 'ETH', -0.03), 'ETH')
      await grow.tick(book, moveSpot(moved, 'ETH', -0.03), 'ETH')
      expectSameBits(book, reference)
    } finally {
      await grow.close()
    }
  })

  it('runs on the calling thread alone with no worker threads, with the same results', async () => {
    const alone = createParallelBatchEngine(engine, { workers: 0 })
    const single = createBatchEngine(engine)
    const list = fc.sample(accountWithWrappedArb, { numRuns: 60, seed: 5 })
    const one = single.buildAccounts(list, market.nowMs)
    const many = alone.buildAccounts(list, market.nowMs)
    const book = await alone.load(many.accounts, many.assetPrice, market)
    expectSameBits(book, single.load(one.accounts, one.assetPrice, market))
    expect(alone.workers).toBe(0)
    await alone.close()
  })
})
