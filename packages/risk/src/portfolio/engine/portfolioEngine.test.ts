import { describe, expect, it } from 'vitest'
import { computeAccountMargin } from '../../margin/computeAccountMargin.js'
import { black76 } from '../../pricing/index.js'
import { MissingMarketDataError } from '../errors.js'
import { eth, future, market, NOW, option, perp, plainCollateral, usd, usdc } from '../testing/fixtures.js'
import type { PortfolioAccount } from '../types.js'
import { createPortfolioEngine } from './createPortfolioEngine.js'

const pm = createPortfolioEngine({ mode: 'portfolio', params: { collateral: plainCollateral } })
const account = (positions: PortfolioAccount['positions'], collateral = [usdc(1, 100_000)]): PortfolioAccount => ({ collateral, positions, settledPnlUsd8: 0n })
const toUsd = (x: bigint) => Number(x) / 1e8

describe('portfolio margin', () => {
  it('charges a long perp its worst core move plus the per-contract minimum', () => {
    const r = pm.marginAccount(account([perp('BTC', 1, 60_000)]), market)
    // BTC maxMove 10%: 6000; per-contract 0.1% of spot: 60
    expect(toUsd(r.mmUsd8)).toBeCloseTo(6060, 4)
    expect(toUsd(r.imUsd8)).toBeCloseTo(1.5 * 6060, 4)
    expect(toUsd(r.worstLossUsd8)).toBeCloseTo(6000, 4)
    expect(toUsd(r.contingencyUsd8)).toBeCloseTo(60, 4)
    // the three vol variants tie for a perp: the first by name wins
    expect(r.worstScenario).toBe('core/spot=-1.00/vol=down')
    expect(r.scenarioNames.length).toBeGreaterThanOrEqual(33)
    expect(r.equityUsd8).toBe(usd(100_000))
    expect(r.healthBps).toBe((r.equityUsd8 * 10_000n) / r.mmUsd8)
  })

  it('needs almost nothing for a perp hedged with a future on the same underlying', () => {
    const r = pm.marginAccount(account([perp('BTC', 1, 60_000), future('BTC', -1, 60_000, 90)]), market)
    // rate 0: forward = spot, so every scenario nets to zero; only the two per-contract minimums remain
    expect(toUsd(r.worstLossUsd8)).toBeLessThan(1e-3)
    expect(toUsd(r.mmUsd8)).toBeCloseTo(120, 3)
  })

  it('does not treat a hedge across two underlyings as perfect', () => {
    const r = pm.marginAccount(account([perp('BTC', 1, 60_000), perp('ETH', -20, 3_000)]), market)
    expect(r.worstScenario).toMatch(/^decorrelation\//)
    // BTC moves 0.3 × 10%, ETH 0.3 × 12% the other way on 60k each: 1800 + 2160
    expect(toUsd(r.worstLossUsd8)).toBeCloseTo(3960, 3)
    const alone = pm.marginAccount(account([perp('BTC', 1, 60_000)]), market)
    expect(r.mmUsd8).toBeLessThan(alone.mmUsd8 + pm.marginAccount(account([perp('ETH', -20, 3_000)]), market).mmUsd8)
  })

  it('charges naked short options per strike, and nets a call and a put at one strike', () => {
    const short = pm.marginAccount(account([option('BTC', 'call', 70_000, 30, -2, 1000)]), market)
    const netted = pm.marginAccount(account([option('BTC', 'call', 70_000, 30, -2, 1000), option('BTC', 'put', 70_000, 30, 2, 1000)]), market)
    // per-contract 0.5% of spot on each unit, naked short 1% of spot on the net short
    expect(toUsd(short.contingencyUsd8)).toBeCloseTo(2 * 300 + 2 * 600, 3)
    expect(toUsd(netted.contingencyUsd8)).toBeCloseTo(4 * 300, 3)
  })

  it('reports Black-76 Greeks per position and sums them per underlying', () => {
    const r = pm.marginAccount(account([option('BTC', 'call', 65_000, 30, 3, 2000), perp('BTC', -1, 60_000)]), market)
    const surfaceVol = r.positions[0]!
    const t = 30 / 365
    const vol = 0.55 + -0.1 * Math.log(65_000 / 60_000)
    const g = black76({ forward: 60_000, strike: 65_000, timeYears: t, vol, rate: 0, right: 'call' })
    expect(surfaceVol.greeks.delta).toBeCloseTo(3 * g.delta, 10)
    expect(surfaceVol.greeks.gamma).toBeCloseTo(3 * g.gamma, 12)
    expect(surfaceVol.greeks.vega).toBeCloseTo(3 * g.vega, 8)
    expect(surfaceVol.greeks.theta).toBeCloseTo(3 * g.theta, 6)
    expect(r.greeks.BTC!.delta).toBeCloseTo(3 * g.delta - 1, 10)
    // a long option's mark is rounded down
    expect(surfaceVol.markPrice).toBe(BigInt(Math.floor(g.price * 1e8 - g.price * 1e8 * 1e-12)))
  })

  it('adds a staleness charge while the underlying price is old', () => {
    const fresh = pm.marginAccount(account([perp('BTC', 1, 60_000)]), market)
    const old = { ...market, underlyings: { ...market.underlyings, BTC: { ...market.underlyings.BTC!, updatedAtMs: NOW - 11 * 60_000 } } }
    const stale = pm.marginAccount(account([perp('BTC', 1, 60_000)]), old)
    // 10 minutes beyond 60 s at 0.2% per minute = 2% of 60 000
    expect(toUsd(stale.contingencyUsd8 - fresh.contingencyUsd8)).toBeCloseTo(1200, 3)
  })

  it('names the missing data when a position has no quote or surface', () => {
    const noSurface = { ...market, surfaces: {} }
    expect(() => pm.marginAccount(account([option('BTC', 'put', 50_000, 30, 1, 100)]), noSurface)).toThrow(MissingMarketDataError)
    expect(() => pm.marginAccount(account([perp('DOGE', 1, 0.1)]), market)).toThrow(/DOGE/)
  })

  it('computes the σ of P&L from the worst counted scenario loss and the grid coverage', () => {
    const r = pm.marginAccount(account([perp('BTC', 1, 60_000)]), market)
    expect(toUsd(r.pnlSigmaUsd8)).toBeCloseTo(6000 / 3.29, 3)
    expect(r.sigmaHorizonSeconds).toBe(4 * 3600)
  })
})

describe('tiered and isolated margin', () => {
  it('reproduces the linear model for perps with single-tier IMF/MMF and plain collateral', () => {
    const tiered = createPortfolioEngine({ mode: 'tiered', params: { collateral: plainCollateral, tiers: {} } })
    const collateral = [eth(1, 2), usdc(2, 1000)]
    const positions = [{ ...perp('ETH', 1.5, 2100), imfBps: 1000, mmfBps: 500 }]
    const m = { ...market, underlyings: { ...market.underlyings, ETH: { spotUsd8: usd(2000), updatedAtMs: NOW } } }
    const c = collateral.map((x) => ({ ...x, priceUsd8: x.symbol === 'ETH' ? usd(2000) : x.priceUsd8 }))
    const r = tiered.marginAccount({ collateral: c, positions, settledPnlUsd8: -usd(50) }, m)
    const linear = computeAccountMargin({
      collateral: c,
      positions: [{ market: 'ETH-PERP', size: positions[0]!.size, entryPrice: usd(2100), markPrice: usd(2000), imfBps: 1000, mmfBps: 500 }],
      settledPnlUsd8: -usd(50),
    })
    expect(r.equityUsd8).toBe(linear.equityUsd8)
    expect(r.collateralUsd8).toBe(linear.collateralUsd8)
    expect(r.unrealizedPnlUsd8).toBe(linear.unrealizedPnlUsd8)
    // float requirements round up by at most a few usd8 units
    expect(r.imUsd8 - linear.imUsd8).toBeGreaterThanOrEqual(0n)
    expect(r.imUsd8 - linear.imUsd8).toBeLessThan(10n)
    expect(r.mmUsd8 - linear.mmUsd8).toBeLessThan(10n)
  })

  it('applies notional tiers progressively and scales IMF with open interest', () => {
    const tiers = { BTC: { tiers: [{ upToUsd: 100_000, imf: 0.02, mmf: 0.01 }, { upToUsd: null, imf: 0.1, mmf: 0.05 }], openInterest: { lowerCapUsd: 1e6, upperCapUsd: 3e6 } } }
    const tiered = createPortfolioEngine({ mode: 'tiered', params: { collateral: plainCollateral, tiers } })
    const r = tiered.marginAccount(account([perp('BTC', 5, 60_000)]), market)
    // 300k notional: 100k at 1% + 200k at 5% MM; IM 2% + 10%
    expect(toUsd(r.mmUsd8)).toBeCloseTo(11_000, 3)
    expect(toUsd(r.imUsd8)).toBeCloseTo(22_000, 3)
    const crowded = { ...market, underlyings: { ...market.underlyings, BTC: { ...market.underlyings.BTC!, openInterestUsd: 2e6 } } }
    const c = tiered.marginAccount(account([perp('BTC', 5, 60_000)]), crowded)
    // half way between the caps: imf' = imf + (1 − imf)/2
    expect(toUsd(c.imUsd8)).toBeCloseTo(100_000 * 0.51 + 200_000 * 0.55, 2)
    expect(c.mmUsd8).toBe(r.mmUsd8)
  })

  it('gives each isolated position its own health from its allocation', () => {
    const iso = createPortfolioEngine({ mode: 'isolated', params: { collateral: plainCollateral } })
    const losing = { ...perp('BTC', 1, 66_000), isolatedMarginUsd8: usd(6_600) }
    const winning = { ...perp('ETH', 1, 2_000), isolatedMarginUsd8: usd(200) }
    const r = iso.marginAccount(account([losing, winning]), market)
    expect(r.isolated).toHaveLength(2)
    // BTC: 6600 − 6000 = 600 against MM 600 (rounded up) → just under 1.0; ETH: 200 + 1000 against 30 → 40
    expect(r.isolated![0]!.healthBps).toBe(9_999n)
    expect(r.isolated![1]!.healthBps).toBeGreaterThan(390_000n)
    expect(r.healthBps).toBe(9_999n)
    // the cross view of the same account would be far healthier
    expect(r.equityUsd8 * 10_000n / r.mmUsd8).toBeGreaterThan(100_000n)
  })
})

describe('collateral', () => {
  const big = createPortfolioEngine({ params: {} })

  it('haircuts large holdings more, on the part above each tier', () => {
    const small = big.marginAccount(account([], [usdc(1, 1_000_000)]), market)
    const large = big.marginAccount(account([], [usdc(1, 3_000_000)]), market)
    // USDC depeg 1.5%; 2M above 1M at +1%: average 0.6667% → 67 bps
    expect(small.collateral[0]!.haircutBps).toBe(150)
    expect(large.collateral[0]!.tierBps).toBe(67)
    expect(large.collateral[0]!.haircutBps).toBe(217)
  })

  it('changes equity only through chain haircuts when a holding is split across chains', () => {
    const one = big.marginAccount(account([], [usdc(1, 3_000_000)]), market)
    const split = big.marginAccount(account([], [usdc(1, 1_000_000), usdc(2, 2_000_000)]), market)
    expect(split.equityUsd8).toBe(one.equityUsd8)
    const worseChain = big.marginAccount(account([], [usdc(1, 1_000_000), { ...usdc(2, 2_000_000), haircutBps: 100 }]), market)
    expect(one.equityUsd8 - worseChain.equityUsd8).toBe(usd(20_000))
  })

  it('charges a stale collateral price and values a liability at price·(1 + haircut)', () => {
    const r = pm.marginAccount(account([], [{ ...eth(1, 10), priceUpdatedAtMs: NOW - 600_000 }, { ...eth(2, -1) }]), market)
    expect(r.collateral[0]!.staleBps).toBe(0) // plainCollateral has no staleness charge
    const charged = createPortfolioEngine({ params: { collateral: { ...plainCollateral, staleness: { afterSeconds: 60, bpsPerMinute: 10, maxBps: 500 } } } })
    const s = charged.marginAccount(account([], [{ ...eth(1, 10), priceUpdatedAtMs: NOW - 600_000 }, eth(2, -1)]), market)
    expect(s.collateral[0]!.staleBps).toBe(90)
    expect(s.collateral[1]!.weightedUsd8).toBe(-usd(3_300))
  })
})

describe('what-if, withdrawals, liquidation price', () => {
  it('shows the effect of adding a hedge before it is traded', () => {
    const a = account([perp('BTC', 1, 60_000)])
    const before = pm.marginAccount(a, market)
    const after = pm.whatIf(a, market, { positions: [future('BTC', -1, 60_000, 30)] })
    expect(after.mmUsd8).toBeLessThan(before.mmUsd8 / 10n)
    const closed = pm.whatIf(a, market, { removePositions: [0] })
    expect(closed.mmUsd8).toBe(0n)
    expect(closed.healthBps).toBeNull()
  })

  it('allows more than a chain holds, the rest becoming a liability there, and keeps equity ≥ IM + buffer', () => {
    const a = account([perp('BTC', 1, 60_000)], [usdc(1, 10_000), usdc(2, 20_000)])
    const risk = pm.marginAccount(a, market)
    const [w1, w2] = pm.withdrawable(a, market, { bufferUsd8: usd(1_000), bufferUsd8ByChain: { 2: usd(2_000) } })
    const excess = risk.equityUsd8 - risk.imUsd8
    expect(w1!.amount).toBe((excess - usd(1_000)) / 100n)
    expect(w1!.amount).toBeGreaterThan(10_000_000000n)
    expect(w2!.amount).toBe((excess - usd(2_000)) / 100n)
    const after = pm.whatIf(a, market, { collateral: [{ ...usdc(1, 0), amount: -w1!.amount }] })
    expect(after.equityUsd8 - after.imUsd8).toBeGreaterThanOrEqual(usd(1_000))
    const more = pm.whatIf(a, market, { collateral: [{ ...usdc(1, 0), amount: -w1!.amount - 1n }] })
    expect(more.equityUsd8 - more.imUsd8).toBeLessThan(usd(1_000))
  })

  it('finds the price at which a leveraged long reaches its maintenance margin', () => {
    const a = account([perp('BTC', 2, 60_000)], [usdc(1, 20_000)])
    const lp = pm.liquidationPrice(a, market, 'BTC')
    expect(lp.liquidatableNow).toBe(false)
    // equity 20 000 + 2(p − 60 000) = MM 2·p·(10% + 0.1%) → p = 100 000 / 1.798
    expect(Number(lp.belowUsd8) / 1e8).toBeCloseTo(100_000 / 1.798, 2)
    expect(lp.aboveUsd8).toBeNull()
    const at = (p: bigint) => pm.marginAccount(a, { ...market, underlyings: { ...market.underlyings, BTC: { spotUsd8: p, updatedAtMs: NOW } } })
    expect(at(lp.belowUsd8! - 1000n).healthBps!).toBeLessThan(10_000n)
    expect(at(lp.belowUsd8! + 1000n).healthBps!).toBeGreaterThanOrEqual(10_000n)
  })

  it('moves collateral that follows the underlying with it', () => {
    const a = account([perp('ETH', -10, 3_000)], [eth(1, 10, 0)])
    const lp = pm.liquidationPrice(a, market, 'ETH')
    // short 10 ETH against 10 ETH collateral: equity stays 30 000 whatever the price, while MM = 10·p·(12% + 0.1%)
    // grows with it: liquidatable only above 30 000 / 1.21
    expect(lp.belowUsd8).toBeNull()
    expect(Number(lp.aboveUsd8) / 1e8).toBeCloseTo(30_000 / 1.21, 2)
  })
})
