import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { accountWithWrappedArb, market } from '../testing/arbitraries.js'
import type { MarketState, PortfolioAccount } from '../types.js'
import { type BatchBook, createBatchEngine } from './createBatchEngine.js'
import { revalueAccounts } from './kernel.js'
import { recheckAccounts } from './recheck.js'
import { repriceUnderlying } from './repriceUnderlying.js'

const engine = createPortfolioEngine()
const keys = ['equityUsd', 'riskUsd', 'minPnlUsd', 'gapUsd', 'worstScenario'] as const
const bits = (x: Float64Array | Uint16Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)
const snapshot = (book: BatchBook) => Object.fromEntries(keys.map((k) => [k, book.results[k].slice()])) as { [K in (typeof keys)[number]]: BatchBook['results'][K] }

const moveSpot = (m: MarketState, u: string, move: number): MarketState => {
  const q = m.underlyings[u]!
  return { ...m, underlyings: { ...m.underlyings, [u]: { ...q, spotUsd8: (q.spotUsd8 * BigInt(Math.round((1 + move) * 1e6))) / 1_000_000n } } }
}

/**
 * Books with ties: every 9th account holds its positions at zero quantity (every scenario P&L is 0), every 13th holds
 * its first row twice with opposite quantities (those two sum to exactly 0 in every scenario).
 */
function loadWithTies(list: readonly PortfolioAccount[]) {
  const batch = createBatchEngine(engine)
  const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
  for (let a = 0; a < accounts.count; a++) {
    const p0 = accounts.positionStart[a]!
    const p1 = accounts.positionStart[a + 1]!
    if (a % 9 === 4) accounts.positionQty.fill(0, p0, p1)
    else if (a % 13 === 6 && p1 - p0 >= 2) {
      accounts.positionInstrument[p0 + 1] = accounts.positionInstrument[p0]!
      accounts.positionQty[p0 + 1] = -accounts.positionQty[p0]!
    }
  }
  const copy = () => ({ ...accounts })
  return {
    batch,
    viaModule: batch.load(copy(), Float64Array.from(assetPrice), market),
    viaLoop: batch.load(copy(), Float64Array.from(assetPrice), market),
    reference: batch.load(copy(), Float64Array.from(assetPrice), market),
  }
}

/**
 * One tick on `u` re-checking only `which` (the exposed accounts taken every `stride`-th: a dense, gapped or sparse
 * set), in WebAssembly where the chunk allows it and in the JavaScript loop, against a full revaluation. Afterwards
 * the accounts left out are revalued in full on both books, so every gap bound stays valid for the next tick.
 * @returns how many re-checked accounts changed worst scenario
 */
function tickBoth(books: ReturnType<typeof loadWithTies>, m: MarketState, u: string, stride: number): number {
  const { batch, viaModule, viaLoop, reference } = books
  const ctx = engine.context(m)
  const ui = ctx.underlyingIndex.get(u)!
  const before = snapshot(viaModule)
  const exposed = viaModule.exposure.accounts.subarray(viaModule.exposure.start[ui]!, viaModule.exposure.start[ui + 1]!)
  const which = exposed.filter((_, k) => k % stride === 0)
  const picked = new Uint8Array(viaModule.accounts.count)
  for (const a of which) picked[a] = 1
  const others = Uint32Array.from({ length: viaModule.accounts.count }, (_, a) => a).filter((a) => picked[a] === 0)
  const counts = [viaModule, viaLoop].map((book, i) => {
    repriceUnderlying(book, batch.instruments, batch.assets, ctx, ui)
    return recheckAccounts(book.accounts, book.prices, book.previous, ui, book.assetPrice, book.naked, book.results, which, which.length, i === 0)
  })
  batch.revalueAll(reference, m)
  expect(counts[0]).toBe(counts[1])
  for (const k of keys) expect(bits(viaModule.results[k]).equals(bits(viaLoop.results[k])), k).toBe(true)
  let changed = 0
  for (const a of which) {
    for (const k of ['equityUsd', 'riskUsd', 'minPnlUsd', 'worstScenario'] as const) expect(Object.is(viaModule.results[k][a], reference.results[k][a]), `${k} of ${a}`).toBe(true)
    expect(viaModule.results.gapUsd[a]!).toBeLessThanOrEqual(reference.results.gapUsd[a]!)
    if (before.worstScenario[a] !== reference.results.worstScenario[a]) changed++
  }
  // accounts of a chunk's span that are not re-checked keep their results, bit for bit
  for (const a of others) for (const k of keys) expect(Object.is(viaModule.results[k][a], before[k][a]), `${k} of ${a}`).toBe(true)
  for (const book of [viaModule, viaLoop]) revalueAccounts(book.accounts, book.prices, book.assetPrice, book.naked, book.results, others)
  return changed
}

const tickArb = fc.record({ u: fc.constantFrom('BTC', 'ETH', 'SOL'), move: fc.oneof(fc.constant(0), fc.double({ min: -0.08, max: 0.08, noNaN: true })) })

describe('incremental re-check', () => {
  it('gives in WebAssembly the JavaScript loop’s results and gap bounds, bit for bit, and a full revaluation’s results', () => {
    fc.assert(
      fc.property(fc.array(tickArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 1_000 }), fc.constantFrom(1, 2, 3, 7), (ticks, seed, stride) => {
        const books = loadWithTies(fc.sample(accountWithWrappedArb, { numRuns: 90, seed }))
        let m = market
        for (const { u, move } of ticks) {
          m = moveSpot(m, u, move)
          tickBoth(books, m, u, stride)
        }
      }),
      { numRuns: 30 },
    )
  })

  it('re-checks books larger than one chunk, with chunks cut by the account count and by their span, worst scenarios changing', () => {
    const sample = fc.sample(accountWithWrappedArb, { numRuns: 600, seed: 5 })
    const books = loadWithTies(Array.from({ length: 6_000 }, (_, a) => sample[(a * 7) % sample.length]!))
    let m = market
    let changed = 0
    for (const [u, move, stride] of [['BTC', 0.001, 1], ['BTC', 0.002, 2], ['ETH', -0.06, 3], ['BTC', -0.0005, 7], ['SOL', 0.08, 1], ['BTC', -0.1, 2]] as const) {
      m = moveSpot(m, u, move)
      changed += tickBoth(books, m, u, stride)
    }
    // the jumps moved the worst scenario of some re-checked accounts: not only shortcuts were exercised
    expect(changed).toBeGreaterThan(0)
    // most small-tick accounts took the shortcut: fewer revalued in full than exposed
    const { batch, viaModule } = books
    m = moveSpot(m, 'BTC', 0.0005)
    batch.tick(viaModule, m, 'BTC')
    expect(viaModule.lastTick.revaluedInFull).toBeLessThan(viaModule.lastTick.exposed / 4)
  })
})
