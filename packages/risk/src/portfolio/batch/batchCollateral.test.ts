import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { accountWithWrappedArb, market } from '../testing/arbitraries.js'
import type { MarketState } from '../types.js'
import { createBatchEngine } from './createBatchEngine.js'

const engine = createPortfolioEngine()
const abs = (x: bigint) => (x < 0n ? -x : x)

describe('batch engine with risk-cancelling collateral', () => {
  it('agrees bit for bit with the per-account engine on the scenario P&L of random books with collateral', () => {
    fc.assert(
      fc.property(fc.array(accountWithWrappedArb, { minLength: 1, maxLength: 20 }), (list) => {
        const batch = createBatchEngine(engine)
        const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
        const book = batch.load(accounts, assetPrice, market)
        list.forEach((account, a) => {
          const one = engine.marginAccount(account, market)
          const b = batch.accountRisk(book, a)
          expect(b.worstScenario).toBe(one.worstScenario)
          const s = one.scenarioNames.indexOf(one.worstScenario!)
          // same rows, same order (positions, then collateral in item order): the same float64, bit for bit
          expect(Object.is(book.results.minPnlUsd[a], one.scenarioPnlUsd[s])).toBe(true)
          // the add-ons are exact usd8 per account and float in the batch: a few usd8 apart at most
          expect(abs(b.collateralImUsd8 - one.collateralImUsd8)).toBeLessThanOrEqual(2n + one.collateralImUsd8 / 1_000_000_000n)
          expect(abs(b.routeBreakUsd8 - one.routeBreakUsd8)).toBeLessThanOrEqual(2n + one.routeBreakUsd8 / 1_000_000_000n)
          // the per-account engine's rounding slack grows with gross exposure (see batch.test.ts), which a hedged book's
          // requirement does not show
          const notionalUsd8 = one.positions.reduce((t, p) => t + p.notionalUsd8, 0n)
          const slack = 12n + one.imUsd8 / 1_000_000_000n + (notionalUsd8 * 6n) / 1_000_000_000_000n
          expect(abs(one.mmUsd8 - b.mmUsd8)).toBeLessThanOrEqual(slack)
          expect(abs(one.imUsd8 - b.imUsd8)).toBeLessThanOrEqual((slack * 3n) / 2n)
          const eq = one.equityUsd8 - b.equityUsd8
          const units = account.positions.reduce((t, p) => t + (p.size < 0n ? -p.size : p.size), 0n) / 10n ** 18n
          expect(abs(eq)).toBeLessThanOrEqual(100n + units + abs(one.equityUsd8) / 1_000_000_000n)
        })
      }),
      { numRuns: 40 },
    )
  })

  it('reprices risk-cancelling collateral on a tick: incremental, full and per-account results agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.double({ min: -0.08, max: 0.08, noNaN: true }), (seed, move) => {
        const batch = createBatchEngine(engine)
        const list = fc.sample(accountWithWrappedArb, { numRuns: 40, seed })
        const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
        const incremental = batch.load(accounts, assetPrice, market)
        const reference = batch.load(accounts, Float64Array.from(assetPrice), market)
        const q = market.underlyings.ETH!
        const spot = (q.spotUsd8 * BigInt(Math.round((1 + move) * 1e6))) / 1_000_000n
        const moved: MarketState = { ...market, underlyings: { ...market.underlyings, ETH: { ...q, spotUsd8: spot } } }
        // WETH follows ETH: its price moves with the spot
        const wethRows = new Map<number, number>()
        batch.assets.keys.forEach((key, row) => {
          if (key.includes('0xweth')) wethRows.set(row, Number(spot) / 1e8)
        })
        batch.tick(incremental, moved, 'ETH', wethRows)
        for (const [row, price] of wethRows) reference.assetPrice[row] = price
        batch.revalueAll(reference, moved)
        expect(incremental.results.riskUsd).toEqual(reference.results.riskUsd)
        expect(incremental.results.minPnlUsd).toEqual(reference.results.minPnlUsd)
        expect(incremental.results.worstScenario).toEqual(reference.results.worstScenario)
        expect(incremental.results.equityUsd).toEqual(reference.results.equityUsd)
        list.forEach((account, a) => {
          const collateral = account.collateral.map((c) => (c.symbol === 'WETH' ? { ...c, priceUsd8: spot } : c))
          const one = engine.marginAccount({ ...account, collateral }, moved)
          expect(batch.accountRisk(incremental, a).worstScenario).toBe(one.worstScenario)
          if (one.worstScenario !== null) {
            expect(Object.is(incremental.results.minPnlUsd[a], one.scenarioPnlUsd[one.scenarioNames.indexOf(one.worstScenario)])).toBe(true)
          }
        })
      }),
      { numRuns: 20 },
    )
  })
})
