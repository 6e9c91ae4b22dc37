import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createBatchEngine } from '../batch/createBatchEngine.js'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { InvalidParamsError } from '../errors.js'
import { accountArb, accountWithWrappedArb } from '../testing/arbitraries.js'
import { market, perp, usdc } from '../testing/fixtures.js'
import type { PortfolioAccount } from '../types.js'

const plain = createPortfolioEngine()
const capped = createPortfolioEngine({ params: { diversification: { maxCredit: 0.5 } } })
const liquid = { coefficient: 1, depthUsd: { BTC: 50_000_000, ETH: 20_000_000, '*': 2_000_000 } }
const concentrated = createPortfolioEngine({ params: { concentration: liquid } })
const both = createPortfolioEngine({ params: { diversification: { maxCredit: 0.3 }, concentration: liquid } })

// 10 BTC long against 100 ETH short: the correlated core scenarios largely cancel and the worst joint loss (a
// decorrelation scenario) is under half of BTC's own worst loss
const pair: PortfolioAccount = { collateral: [usdc(1, 100_000)], positions: [perp('BTC', 10, 60_000), perp('ETH', -100, 3_000)], settledPnlUsd8: 0n }

describe('diversification cap in the per-account engine', () => {
  it('leaves every figure unchanged when not configured', () => {
    const a = plain.marginAccount(pair, market)
    expect(a.diversification).toBeUndefined()
    expect(a.concentrationUsd8).toBeUndefined()
  })

  it('charges a cross-underlying hedge at least (1 − maxCredit) × its largest single-underlying loss', () => {
    const a = plain.marginAccount(pair, market)
    const b = capped.marginAccount(pair, market)
    const d = b.diversification!
    expect(d.binding).toBe(true)
    expect(d.underlying).toBe('BTC')
    expect(b.mmUsd8).toBeGreaterThan(a.mmUsd8)
    expect(b.mmUsd8).toBeGreaterThanOrEqual(d.floorUsd8)
    // the floor is half of BTC's own worst loss: 10 BTC at the grid's largest core BTC move
    expect(Number(d.floorUsd8)).toBeCloseTo(Number(d.largestUsd8) / 2, -3)
  })

  it('never lowers a requirement, and binds on no single-underlying book', () => {
    fc.assert(
      fc.property(accountArb, (account) => {
        const a = plain.marginAccount(account, market)
        const b = capped.marginAccount(account, market)
        expect(b.mmUsd8).toBeGreaterThanOrEqual(a.mmUsd8)
        expect(b.imUsd8).toBeGreaterThanOrEqual(a.imUsd8)
        const underlyings = new Set(account.positions.map((p) => p.instrument.underlying))
        if (underlyings.size === 1) expect(b.mmUsd8).toBe(a.mmUsd8)
      }),
      { numRuns: 100 },
    )
  })

  it('refuses a maxCredit outside 0..1', () => {
    expect(() => createPortfolioEngine({ params: { diversification: { maxCredit: -0.1 } } })).toThrow(InvalidParamsError)
  })
})

describe('concentration add-on in the per-account engine', () => {
  it('charges a small position a negligible add-on', () => {
    const small: PortfolioAccount = { collateral: [usdc(1, 10_000)], positions: [perp('BTC', 0.1, 60_000)], settledPnlUsd8: 0n }
    const a = plain.marginAccount(small, market)
    const b = concentrated.marginAccount(small, market)
    // $6 000 of BTC against $50M of depth: σ·sqrt(1.2e-4) ≈ 0.03% of notional, under 1% of the MM
    expect(b.concentrationUsd8!).toBeGreaterThan(0n)
    expect(b.concentrationUsd8!).toBeLessThan(a.mmUsd8 / 100n)
    expect(b.mmUsd8 - a.mmUsd8).toBe(b.concentrationUsd8)
    expect(b.imUsd8 - a.imUsd8).toBe(b.concentrationUsd8)
  })

  it('grows with size faster than the position, in MM and IM', () => {
    let last = -1n
    let lastPerUnit = 0
    for (const size of [1, 10, 100, 1_000, 5_000]) {
      const r = concentrated.marginAccount({ collateral: [usdc(1, 1e9)], positions: [perp('BTC', -size, 60_000)], settledPnlUsd8: 0n }, market)
      expect(r.concentrationUsd8!).toBeGreaterThan(last)
      expect(Number(r.concentrationUsd8!) / size).toBeGreaterThanOrEqual(lastPerUnit)
      last = r.concentrationUsd8!
      lastPerUnit = Number(last) / size
    }
    // 5 000 BTC = $300M against $50M of depth: σ·sqrt(6)·N, σ = maxMove / sigmaCoverage of BTC's grid row
    const sigma = concentrated.grid.underlyings.BTC!.maxMove / concentrated.grid.sigmaCoverage
    expect(Number(last) / 1e8).toBeCloseTo(sigma * Math.sqrt(6) * 300_000_000, -2)
  })

  it('is monotone in size for any book', () => {
    fc.assert(
      fc.property(accountArb, fc.double({ min: 1.01, max: 20, noNaN: true }), (account, k) => {
        const scaled = { ...account, positions: account.positions.map((p) => ({ ...p, size: (p.size * BigInt(Math.round(k * 1000))) / 1000n })) }
        const a = concentrated.marginAccount(account, market).concentrationUsd8!
        const b = concentrated.marginAccount(scaled, market).concentrationUsd8!
        expect(b).toBeGreaterThanOrEqual(a)
      }),
      { numRuns: 100 },
    )
  })
})

describe('the batch engine with the cap and the add-on', () => {
  it('agrees with the per-account engine on random books with wrapped collateral', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(accountArb, accountWithWrappedArb), { minLength: 1, maxLength: 20 }), (list) => {
        const batch = createBatchEngine(both)
        const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
        const book = batch.load(accounts, assetPrice, market)
        list.forEach((account, a) => {
          const one = both.marginAccount(account, market)
          const b = batch.accountRisk(book, a)
          // the add-on is the same float from the same sums; only the per-account engine's rounding slack (1e-12 of the
          // gross exposure) differs
          const addOnSlack = 10n + one.mmUsd8 / 1_000_000_000n
          expect(one.concentrationUsd8! - b.concentrationUsd8!).toBeGreaterThanOrEqual(0n)
          expect(one.concentrationUsd8! - b.concentrationUsd8!).toBeLessThanOrEqual(addOnSlack)
          // plus the engine's rounding slack on gross exposure that a hedged book's MM does not show (see batch.test.ts)
          const notionalUsd8 = one.positions.reduce((t, p) => t + p.notionalUsd8, 0n)
          const slack = 10n + one.mmUsd8 / 1_000_000_000n + addOnSlack + (notionalUsd8 * 6n) / 1_000_000_000_000n
          expect(one.mmUsd8 - b.mmUsd8).toBeGreaterThanOrEqual(-2n)
          expect(one.mmUsd8 - b.mmUsd8).toBeLessThanOrEqual(slack)
          expect(one.imUsd8 - b.imUsd8).toBeLessThanOrEqual((slack * 3n) / 2n)
        })
      }),
      { numRuns: 30 },
    )
  })
})
