import { describe, expect, it } from 'vitest'
import { black76 } from '../../pricing/index.js'
import { loadOptionsReference } from '../../pricing/referenceValues.testdata.js'
import { defaultScenarioGrid } from '../../scenarios/index.js'
import { InvalidParamsError } from '../errors.js'
import { instrumentKey } from '../instruments/instrumentKey.js'
import { future, market, NOW, option, perp, plainCollateral, usd, usdc } from '../testing/fixtures.js'
import type { MarketState, PortfolioAccount } from '../types.js'
import { createPortfolioEngine, type PortfolioEngineConfig } from './createPortfolioEngine.js'

const account = (positions: PortfolioAccount['positions']): PortfolioAccount => ({ collateral: [usdc(1, 1_000_000)], positions, settledPnlUsd8: 0n })
const engine = (config: Omit<PortfolioEngineConfig, 'mode'> = {}) => createPortfolioEngine({ mode: 'span', params: { collateral: plainCollateral }, ...config })
const toUsd = (x: bigint) => Number(x) / 1e8
const quote = (spot: number) => ({ spotUsd8: usd(spot), updatedAtMs: NOW })
/**
 * usd8 requirements are the float figure rounded up after a slack of 1e-12 × the gross exposure (`usd8Up`): an exact
 * figure comes out a few usd8 above it, never below. `within` bounds that slack at 1e-5 USD.
 */
const within = (actualUsd8: bigint, expectedUsd: number) => {
  expect(actualUsd8).toBeGreaterThanOrEqual(usd(expectedUsd))
  expect(actualUsd8 - usd(expectedUsd)).toBeLessThanOrEqual(1000n)
}
const flat = { priceScanRange: 0.25, volScanUp: 0, volScanDown: 0, shortOptionMinimumRate: 0, tiers: [{ upToDays: null }], intraSpreads: [] }

const reference = loadOptionsReference()

// L. McMillan, Options as a Strategic Investment, ch. 34, pp. 668-671 (shared/data/options/reference_values.json
// span.mcmillan_covered_write): S&P 500 futures at 408 ($500 a point), December 410 call; the book's arrays are profit
// positive, a SPAN file's loss positive. One contract = 500 units of the index here.
describe.skipIf(!reference)("span mode on McMillan's S&P 500 futures example, from the book's risk arrays", () => {
  const m = reference!.span.mcmillan_covered_write
  const expiryDays = 60
  const spx: MarketState = {
    nowMs: NOW,
    rate: 0,
    underlyings: { SPX: quote(408) },
    surfaces: { SPX: { underlying: 'SPX', expiries: [{ timeYears: expiryDays / 365, atmVol: 0.2 }], skew: 0 } },
  }
  const fut = future('SPX', 500, 408, expiryDays)
  const call = option('SPX', 'call', 410, expiryDays, 1, 8)
  const lossPositive = (a: readonly number[]) => a.map((v) => -v + 0)
  const spx500 = engine({
    span: {
      publishedArrays: {
        [instrumentKey(fut.instrument)]: { unitsPerContract: 500, lossPerContract: lossPositive(m.long_1_future) },
        [instrumentKey(call.instrument)]: { unitsPerContract: 500, lossPerContract: lossPositive(m.long_1_dec410_call) },
      },
    },
  })
  const withSize = (p: typeof call, contracts: number) => ({ ...p, size: BigInt(contracts * 500) * 10n ** 18n })

  it('requires 3,990 for one long December 410 call, set by scenario 14', () => {
    const r = spx500.marginAccount(account([withSize(call, 1)]), spx)
    expect(r.span![0]).toMatchObject({ underlying: 'SPX', scanRiskUsd: 3990, worstScenario: 14, requirementUsd: m.expected.long_call_span_requirement })
  })

  it('requires 6,620 for the covered write (long future, short call), set by scenario 13', () => {
    const r = spx500.marginAccount(account([fut, withSize(call, -1)]), spx)
    const s = r.span![0]!
    expect(s.scenarioLossesUsd).toEqual(lossPositive(m.covered_write_long_future_short_call))
    expect(s).toMatchObject({ scanRiskUsd: 6620, worstScenario: 13, intraChargeUsd: 0, interCreditUsd: 0, requirementUsd: m.expected.covered_write_span_requirement })
    within(r.mmUsd8, 6620)
    within(r.imUsd8, 7282)
  })

  it('requires 13,500 for the ratio write (3 long futures, 5 short calls), set by the extreme down move', () => {
    const r = spx500.marginAccount(account([withSize(fut, 3), withSize(call, -5)]), spx)
    expect(r.span![0]).toMatchObject({ scanRiskUsd: m.derived_ratio_write_3fut_short5calls.requirement, worstScenario: 16 })
  })
})

// CME Group, "Margins: Spread Calculations" (cmegroup.com/clearing/margins/spread-calc.html), "Intra Spread Calculations
// when there is a rate of $0": outright Month 2 $500, Month 3 $500, Month 4 $750; charges 2v3 $200, 2v4 $50, 3v4 $0.
// Here one unit of an underlying at 1,000 is one contract: scan ranges 0.5 and 0.75 of it, charges 0.2, 0.05 and 0.
describe("span mode on CME's intra-commodity spread example", () => {
  const x: MarketState = { nowMs: NOW, rate: 0, underlyings: { X: quote(1000) }, surfaces: {} }
  const months = { 2: 30, 3: 60, 4: 90 } as const
  const cme = engine({
    span: {
      underlyings: {
        X: {
          ...flat,
          priceScanRange: 0.5,
          extremeMultiple: 1,
          tiers: [{ upToDays: 45 }, { upToDays: 75 }, { upToDays: null, priceScanRange: 0.75 }],
          intraSpreads: [
            { tierA: 1, tierB: 2, chargeRate: 0.2 },
            { tierA: 1, tierB: 3, chargeRate: 0.05 },
            { tierA: 2, tierB: 3, chargeRate: 0 },
          ],
        },
      },
    },
  })
  const spread = (long: keyof typeof months, short: keyof typeof months) =>
    cme.marginAccount(account([future('X', 1, 1000, months[long]), future('X', -1, 1000, months[short])]), x).span![0]!

  it('requires $200 for +1 Month 2 / -1 Month 3: no scan risk, the whole 2 vs 3 charge', () => {
    expect(spread(2, 3)).toMatchObject({ scanRiskUsd: 0, intraChargeUsd: 200, requirementUsd: 200 })
  })

  it('requires $300 for +1 Month 2 / -1 Month 4: $250 of scan risk plus the $50 charge', () => {
    expect(spread(2, 4)).toMatchObject({ scanRiskUsd: 250, intraChargeUsd: 50, requirementUsd: 300 })
  })

  it('requires $250 for +1 Month 3 / -1 Month 4: the scan risk alone at a $0 charge', () => {
    expect(spread(3, 4)).toMatchObject({ scanRiskUsd: 250, intraChargeUsd: 0, requirementUsd: 250 })
  })
})

// CME Group, "Margins: Spread Calculations", "Inter Spread Calculations": Corn vs Soybeans 2:1 at 55%, outright Corn
// $1750, Soybeans $2500: $6,000 outright, $3,300 credit, $2,700 margin. One unit = one contract (corn at 7,000 and
// soybeans at 10,000 with a 25% scan range).
describe("span mode on CME's inter-commodity spread example", () => {
  const grains: MarketState = { nowMs: NOW, rate: 0, underlyings: { CORN: quote(7000), SOY: quote(10_000) }, surfaces: {} }
  const positions = [perp('CORN', 2, 7000), perp('SOY', -1, 10_000)]
  const grainEngine = (creditRate: number) =>
    engine({
      span: {
        underlyings: { CORN: flat, SOY: flat },
        interSpreads: [{ legs: [{ underlying: 'CORN', deltaPerSpread: 2 }, { underlying: 'SOY', deltaPerSpread: 1 }], creditRate }],
      },
    })

  it('scans $6,000 outright without the spread', () => {
    const r = grainEngine(0).marginAccount(account(positions), grains)
    expect(r.span!.map((s) => s.scanRiskUsd)).toEqual([3500, 2500])
    within(r.mmUsd8, 6000)
  })

  it('credits $1,925 to corn and $1,375 to soybeans at 55%, for a $2,700 requirement', () => {
    const r = grainEngine(0.55).marginAccount(account(positions), grains)
    const [corn, soy] = r.span!
    expect(corn!.interCreditUsd).toBeCloseTo(1925, 9)
    expect(soy!.interCreditUsd).toBeCloseTo(1375, 9)
    expect(corn!.requirementUsd + soy!.requirementUsd).toBeCloseTo(2700, 9)
    within(r.mmUsd8, 2700)
  })
})

describe('span mode with the defaults derived from the scenario grid', () => {
  const span = engine()
  const btcRange = defaultScenarioGrid().underlyings.BTC!.maxMove

  it("charges a long BTC perp a full price scan range (the grid's maxMove), IM 1.1 × MM", () => {
    const r = span.marginAccount(account([perp('BTC', 1, 60_000)]), market)
    expect(r.mode).toBe('span')
    expect(r.span![0]).toMatchObject({ underlying: 'BTC', worstScenario: 13, intraChargeUsd: 0 })
    expect(r.span![0]!.scanRiskUsd).toBeCloseTo(60_000 * btcRange, 9)
    within(r.mmUsd8, 6000)
    within(r.imUsd8, 6600)
    within(r.positions[0]!.mmUsd8, 6000)
  })

  it('revalues an option with Black-76 at each scan point: forward ±1/3..3/3 of the range, vol × 1.5 or × 0.75', () => {
    const call = option('BTC', 'call', 62_000, 30, 1, 2000)
    const r = span.marginAccount(account([call]), market)
    const v = span.context(market).instrument(call.instrument).valuation
    const price = (move: number, volFactor: number) =>
      black76({ forward: v.forward * (1 + move), strike: 62_000, timeYears: v.timeYears, vol: v.vol * volFactor, rate: 0, right: 'call' }).price
    const expected: number[] = []
    for (const move of [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1]) for (const volFactor of [1.5, 0.75]) expected.push(v.value - price(move * btcRange, volFactor))
    for (const move of [2, -2]) expected.push(0.35 * (v.value - price(move * btcRange, 1)))
    for (const [i, loss] of r.span![0]!.scenarioLossesUsd.entries()) expect(loss).toBeCloseTo(expected[i]!, 8)
    // a long call loses most with the price down a full range and vol down
    expect(r.span![0]!.worstScenario).toBe(14)
  })

  it('nets a perp against a dated future in the scan and charges the calendar spread instead', () => {
    const r = span.marginAccount(account([perp('BTC', 1, 60_000), future('BTC', -1, 60_000, 60)]), market)
    const s = r.span![0]!
    expect(s.scanRiskUsd).toBeLessThan(1e-6)
    // one spread between tier 1 (perps, ≤ 30 days) and tier 2 (≤ 90 days) at 0.1% + 0.1% of spot
    expect(s.intraChargeUsd).toBeCloseTo(120, 9)
    expect(toUsd(r.mmUsd8)).toBeCloseTo(120, 6)
  })

  it('charges short options at least the short option minimum when the scan finds almost no risk', () => {
    const r = span.marginAccount(account([option('BTC', 'call', 200_000, 7, -2, 1)]), market)
    const s = r.span![0]!
    expect(s.scanRiskUsd).toBeLessThan(s.shortOptionMinimumUsd)
    // 2 short options × 1% of 60,000
    expect(s.shortOptionMinimumUsd).toBeCloseTo(1200, 9)
    expect(s.requirementUsd).toBe(s.shortOptionMinimumUsd)
  })

  it('adds the requirements of different underlyings when no inter-commodity spread is configured', () => {
    const both = span.marginAccount(account([perp('BTC', 1, 60_000), perp('ETH', -20, 3_000)]), market)
    const btc = span.marginAccount(account([perp('BTC', 1, 60_000)]), market)
    const eth = span.marginAccount(account([perp('ETH', -20, 3_000)]), market)
    expect(both.span!.map((s) => s.underlying)).toEqual(['BTC', 'ETH'])
    expect(toUsd(both.mmUsd8)).toBeCloseTo(toUsd(btc.mmUsd8) + toUsd(eth.mmUsd8), 6)
  })

  it('lowers the requirement of a BTC/ETH hedge by a configured inter-commodity credit', () => {
    const credit = engine({ span: { interSpreads: [{ legs: [{ underlying: 'BTC', deltaPerSpread: 1 }, { underlying: 'ETH', deltaPerSpread: 20 }], creditRate: 0.7 }] } })
    const positions = [perp('BTC', 1, 60_000), perp('ETH', -20, 3_000)]
    const r = credit.marginAccount(account(positions), market)
    const plain = span.marginAccount(account(positions), market)
    // BTC 6,000 and ETH 7,200 of price risk, all of it spread: 30% of each is left
    expect(toUsd(r.mmUsd8)).toBeCloseTo(0.3 * toUsd(plain.mmUsd8), 4)
  })

  it('shares the requirement among the positions of an underlying by their loss in its worst scenario', () => {
    const r = span.marginAccount(account([perp('BTC', 1, 60_000), option('BTC', 'put', 55_000, 30, 1, 1500)]), market)
    const total = r.positions.reduce((t, p) => t + toUsd(p.mmUsd8), 0)
    expect(total).toBeCloseTo(toUsd(r.mmUsd8), 5)
  })

  it('charges IM equal to MM at a member ratio of 1', () => {
    const member = engine({ span: { initialToMaintenance: 1 } })
    const r = member.marginAccount(account([perp('BTC', 1, 60_000)]), market)
    expect(r.imUsd8).toBe(r.mmUsd8)
  })

  it('requires nothing of an account without positions', () => {
    const r = span.marginAccount(account([]), market)
    expect(r.mmUsd8).toBe(0n)
    expect(r.span).toEqual([])
    expect(r.healthBps).toBeNull()
  })

  it('solves a liquidation price in span mode like in the others', () => {
    const poor: PortfolioAccount = { collateral: [usdc(1, 20_000)], positions: [perp('BTC', 1, 60_000)], settledPnlUsd8: 0n }
    const liq = span.liquidationPrice(poor, market, 'BTC')
    expect(liq.belowUsd8).not.toBeNull()
    expect(Number(liq.belowUsd8) / 1e8).toBeLessThan(60_000)
  })
})

describe('span mode parameters', () => {
  it('throws InvalidParamsError for an initial-to-maintenance ratio below 1', () => {
    expect(() => engine({ span: { initialToMaintenance: 0.9 } })).toThrow(InvalidParamsError)
  })

  it('throws InvalidParamsError for tiers that do not end with one unbounded tier', () => {
    expect(() => engine({ span: { underlyings: { BTC: { tiers: [{ upToDays: 30 }] } } } })).toThrow(/unbounded tier/)
  })

  it('throws InvalidParamsError for an intra-commodity spread on a missing tier', () => {
    expect(() => engine({ span: { underlyings: { BTC: { intraSpreads: [{ tierA: 1, tierB: 9, chargeRate: 0.01 }] } } } })).toThrow(/missing tier/)
  })

  it('throws InvalidParamsError for a price scan range whose extreme move would take the price below zero', () => {
    expect(() => engine({ span: { underlyings: { BTC: { priceScanRange: 0.6 } } } })).toThrow(/extreme move/)
  })

  it('expires a future into the tier its days to expiry fall in', () => {
    // the same future, 20 and 200 days out, against a perp: tier 1 vs 1 and tier 1 vs 3 spreads
    const rate = (a: number, b: number) => ({ tierA: a, tierB: b, chargeRate: a === b ? 0.001 : 0.01 })
    const e = engine({ span: { underlyings: { BTC: { intraSpreads: [rate(1, 1), rate(1, 3)] } } } })
    const near = e.marginAccount(account([perp('BTC', 1, 60_000), future('BTC', -1, 60_000, 20)]), market).span![0]!
    const far = e.marginAccount(account([perp('BTC', 1, 60_000), future('BTC', -1, 60_000, 200)]), market).span![0]!
    expect(near.intraChargeUsd).toBeCloseTo(60, 9)
    expect(far.intraChargeUsd).toBeCloseTo(600, 9)
  })
})
