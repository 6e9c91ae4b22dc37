import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { accountArb, market } from '../testing/arbitraries.js'
import { usd } from '../testing/fixtures.js'
import type { MarketState } from '../types.js'
import { createBatchEngine } from './createBatchEngine.js'

const engine = createPortfolioEngine()

describe('batch engine', () => {
  it('agrees with the per-account engine on random portfolios', () => {
    fc.assert(
      fc.property(fc.array(accountArb, { minLength: 1, maxLength: 30 }), (list) => {
        const batch = createBatchEngine(engine)
        const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
        const book = batch.load(accounts, assetPrice, market)
        list.forEach((account, a) => {
          const one = engine.marginAccount(account, market)
          const b = batch.accountRisk(book, a)
          expect(b.worstScenario).toBe(one.worstScenario)
          // same float sums, so the requirement differs only by the per-account engine's rounding slack: 1e-12 × gross
          // (|value| + spot per unit held, × the IM multiplier), at most 3e-12 × notional for perps and futures; a
          // hedged book's gross dwarfs its MM, so the bound takes both
          const notionalUsd8 = one.positions.reduce((t, p) => t + p.notionalUsd8, 0n)
          const slack = 10n + one.mmUsd8 / 1_000_000_000n + (notionalUsd8 * 6n) / 1_000_000_000_000n
          expect(one.mmUsd8 - b.mmUsd8).toBeGreaterThanOrEqual(0n)
          expect(one.mmUsd8 - b.mmUsd8).toBeLessThanOrEqual(slack)
          // IM scales the float difference by the IM multiplier (1.5) and rounds up once more
          expect(one.imUsd8 - b.imUsd8).toBeLessThanOrEqual((slack * 3n + 1n) / 2n + 1n)
          // equity: exact bigint with model marks rounded to usd8 per unit (up to 1 usd8 per unit held) vs float64
          const eq = one.equityUsd8 - b.equityUsd8
          const units = account.positions.reduce((t, p) => t + (p.size < 0n ? -p.size : p.size), 0n) / 10n ** 18n
          expect(eq < 0n ? -eq : eq).toBeLessThanOrEqual(100n + units + (one.equityUsd8 < 0n ? -one.equityUsd8 : one.equityUsd8) / 1_000_000_000n)
          expect(b.pnlSigmaUsd8 - one.pnlSigmaUsd8).toBeLessThanOrEqual(1n)
        })
      }),
      { numRuns: 40 },
    )
  })

  it('re-checks only the accounts exposed to a ticked underlying, with the same figures as a full revaluation', () => {
    const batch = createBatchEngine(engine)
    const list = fc.sample(accountArb, { numRuns: 200, seed: 7 })
    const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
    const book = batch.load(accounts, assetPrice, market)
    const moved: MarketState = { ...market, underlyings: { ...market.underlyings, SOL: { spotUsd8: usd(120), updatedAtMs: market.nowMs } } }
    const exposed = list.filter((a) => a.positions.some((p) => p.instrument.underlying === 'SOL')).length
    expect(batch.tick(book, moved, 'SOL')).toBe(exposed)
    const incremental = Float64Array.from(book.results.riskUsd)
    const equity = Float64Array.from(book.results.equityUsd)
    batch.revalueAll(book, moved)
    expect(incremental).toEqual(book.results.riskUsd)
    expect(equity).toEqual(book.results.equityUsd)
    list.forEach((account, a) => {
      expect(batch.accountRisk(book, a).worstScenario).toBe(engine.marginAccount(account, moved).worstScenario)
    })
  })

  it('gives bit-for-bit the results of a full revaluation after any sequence of ticks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ u: fc.constantFrom('BTC', 'ETH', 'SOL'), move: fc.double({ min: -0.08, max: 0.08, noNaN: true }) }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 1_000 }),
        (ticks, seed) => {
          const batch = createBatchEngine(engine)
          const list = fc.sample(accountArb, { numRuns: 60, seed })
          const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
          const incremental = batch.load(accounts, assetPrice, market)
          const reference = batch.load(accounts, Float64Array.from(assetPrice), market)
          let m: MarketState = market
          for (const { u, move } of ticks) {
            const q = m.underlyings[u]!
            const spot = (q.spotUsd8 * BigInt(Math.round((1 + move) * 1e6))) / 1_000_000n
            m = { ...m, underlyings: { ...m.underlyings, [u]: { ...q, spotUsd8: spot } } }
            batch.tick(incremental, m, u)
            batch.revalueAll(reference, m)
            expect(incremental.results.riskUsd).toEqual(reference.results.riskUsd)
            expect(incremental.results.equityUsd).toEqual(reference.results.equityUsd)
            expect(incremental.results.minPnlUsd).toEqual(reference.results.minPnlUsd)
            expect(incremental.results.worstScenario).toEqual(reference.results.worstScenario)
            // the gap kept by the shortcut is a lower bound of the true one
            for (let a = 0; a < list.length; a++) expect(incremental.results.gapUsd[a]!).toBeLessThanOrEqual(reference.results.gapUsd[a]!)
          }
        },
      ),
      { numRuns: 25 },
    )
  })

  it('re-checks most exposed accounts from their worst scenario alone after a small tick', () => {
    const batch = createBatchEngine(engine)
    const list = fc.sample(accountArb, { numRuns: 300, seed: 11 })
    const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
    const book = batch.load(accounts, assetPrice, market)
    const q = market.underlyings.BTC!
    batch.tick(book, { ...market, underlyings: { ...market.underlyings, BTC: { ...q, spotUsd8: (q.spotUsd8 * 1001n) / 1000n } } }, 'BTC')
    expect(book.lastTick.exposed).toBeGreaterThan(100)
    expect(book.lastTick.revaluedInFull).toBeLessThan(book.lastTick.exposed / 4)
  })

  it('refuses a market whose underlyings differ from the loaded book', () => {
    const batch = createBatchEngine(engine)
    const { accounts, assetPrice } = batch.buildAccounts(fc.sample(accountArb, { numRuns: 3, seed: 1 }), market.nowMs)
    const book = batch.load(accounts, assetPrice, market)
    const more = { ...market, underlyings: { ...market.underlyings, DOGE: { spotUsd8: usd(0.1), updatedAtMs: market.nowMs } } }
    expect(() => batch.revalueAll(book, more)).toThrow(/other underlyings/)
  })
})
