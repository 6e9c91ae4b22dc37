import { describe, expect, it } from 'vitest'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { InvalidInputError, MissingMarketDataError } from '../errors.js'
import { market, perp, plainCollateral, units, usd, usdc } from '../testing/fixtures.js'
import type { PortfolioAccount, PortfolioCollateral } from '../types.js'

const portfolio = createPortfolioEngine({ params: { collateral: plainCollateral } })
const isolated = createPortfolioEngine({ mode: 'isolated', params: { collateral: plainCollateral } })
const tiered = createPortfolioEngine({ mode: 'tiered', params: { collateral: plainCollateral } })

/** 10 WETH on Arbitrum at the ETH spot: base haircut 10%; in the scenarios 1% (MM) and 2% (IM). */
const weth = (extra: Partial<PortfolioCollateral> = {}): PortfolioCollateral => ({
  chainId: 42161,
  symbol: 'WETH',
  asset: '0xWETH',
  amount: units(10),
  decimals: 18,
  priceUsd8: usd(3_000),
  haircutBps: 1000,
  underlying: 'ETH',
  riskCancelling: true,
  mmHaircutBps: 100,
  imHaircutBps: 200,
  ...extra,
})
/** the float part of a requirement is rounded up after a slack of 1e-12 of the gross (here ≤ 20 usd8) */
const SLACK = 20n
const near = (x: bigint, exact: bigint) => {
  expect(x).toBeGreaterThanOrEqual(exact)
  expect(x).toBeLessThanOrEqual(exact + SLACK)
}
const book = (collateral: PortfolioCollateral[]): PortfolioAccount => ({ collateral, positions: [perp('ETH', -10, 3_000)], settledPnlUsd8: 0n })

describe('risk-cancelling collateral', () => {
  it('nets the basis trade: 10 WETH and 10 ETH-PERP short need less IM than the perp on USDC and than isolated margin', () => {
    const basis = portfolio.marginAccount(book([weth()]), market)
    const onUsdc = portfolio.marginAccount(book([usdc(1, 30_000)]), market)
    const naked = portfolio.marginAccount(book([weth({ riskCancelling: false })]), market)
    const alone = isolated.marginAccount(book([weth()]), market)
    // WETH and the short perp cancel in every scenario; left: the perp's per-contract minimum (0.1% of 30 000 = 30)
    // × 1.5, plus the IM haircut (2% − 1%) of 30 000 = 300, exact; the float part carries its 1e-12 slack
    expect(basis.worstLossUsd8).toBeLessThanOrEqual(SLACK)
    near(basis.contingencyUsd8, usd(30))
    expect(basis.collateralImUsd8).toBe(usd(300))
    near(basis.imUsd8, usd(345))
    near(basis.mmUsd8, usd(30))
    expect(basis.equityUsd8).toBe(usd(29_700))
    // the same perp on USDC: 1.5 × (12% of 30 000 + 30) = 5445; isolated: 2% IMF of 30 000 = 600
    near(onUsdc.imUsd8, usd(5_445))
    near(alone.imUsd8, usd(600))
    expect(naked.imUsd8).toBe(onUsdc.imUsd8)
    expect(basis.imUsd8).toBeLessThan(onUsdc.imUsd8)
    expect(basis.imUsd8).toBeLessThan(alone.imUsd8)
    expect(basis.freeCollateralUsd8).toBeGreaterThan(alone.freeCollateralUsd8)
  })

  it('raises IM and MM by exactly the route-break loss, ceil(amount·price·loss), when the WETH route may break', () => {
    const before = portfolio.marginAccount(book([weth()]), market)
    const after = portfolio.marginAccount(book([weth({ routeBreakLossBps: 500 })]), market)
    // 5% of 10 × 3 000 = 1 500 USD, exact in usd8
    expect(after.routeBreakUsd8).toBe(usd(1_500))
    expect(after.imUsd8 - before.imUsd8).toBe(usd(1_500))
    expect(after.mmUsd8 - before.mmUsd8).toBe(usd(1_500))
    expect(after.routeBreak).toBe('route-break/42161:0xweth')
    expect(after.equityUsd8).toBe(before.equityUsd8)
  })

  it('rounds a route-break loss up to the next usd8 unit and takes the worst (asset, chain), summing its items', () => {
    const odd = weth({ amount: 333_333_333_333_333_333n, routeBreakLossBps: 7 })
    const r = portfolio.marginAccount(book([odd, { ...odd, chainId: 10 }, odd]), market)
    // 2 × 0.333… WETH × 3 000 × 0.07% = 1.3999… USD → 139 999 999.999… usd8 → 140 000 000
    expect(r.routeBreakUsd8).toBe(140_000_000n)
    expect(r.routeBreak).toBe('route-break/42161:0xweth')
  })

  it('charges its own price move in the scenarios when nothing offsets it', () => {
    const r = portfolio.marginAccount({ collateral: [weth()], positions: [], settledPnlUsd8: 0n }, market)
    // 12% of 30 000 in the core's down move, instead of the 10% base haircut
    near(r.worstLossUsd8, usd(3_600))
    expect(r.worstScenario).toBe('core/spot=-1.00/vol=down')
    near(r.mmUsd8, usd(3_600))
  })

  it('keeps its base haircut and stays out of the requirement in tiered and isolated modes', () => {
    for (const engine of [tiered, isolated]) {
      const flagged = engine.marginAccount(book([weth({ routeBreakLossBps: 500 })]), market)
      const plain = engine.marginAccount(book([weth({ riskCancelling: false, mmHaircutBps: undefined, imHaircutBps: undefined })]), market)
      expect(flagged.imUsd8).toBe(plain.imUsd8)
      expect(flagged.equityUsd8).toBe(usd(27_000))
      expect(flagged.routeBreakUsd8).toBe(0n)
      expect(flagged.collateralImUsd8).toBe(0n)
    }
  })

  it('treats a stablecoin following the numeraire USD as flat in every scenario', () => {
    const stable = { ...usdc(1, 30_000), underlying: 'USD', riskCancelling: true, mmHaircutBps: 0, imHaircutBps: 50 }
    const r = portfolio.marginAccount(book([stable]), market)
    const plain = portfolio.marginAccount(book([usdc(1, 30_000)]), market)
    expect(r.mmUsd8).toBe(plain.mmUsd8)
    expect(r.imUsd8 - plain.imUsd8).toBe(usd(150))
  })

  it('counts the hedge a withdrawal of risk-cancelling collateral removes', () => {
    const account = book([weth(), usdc(1, 1_000)])
    const [x] = portfolio.withdrawable(account, market, { bufferUsd8: 0n, items: [weth()] })
    const left = (n: bigint) => portfolio.marginAccount({ ...account, collateral: [weth({ amount: units(10) - n }), usdc(1, 1_000)] }, market)
    expect(left(x!.amount).freeCollateralUsd8).toBeGreaterThanOrEqual(0n)
    expect(left(x!.amount + 1n).freeCollateralUsd8).toBeLessThan(0n)
    // each WETH withdrawn unhedges 1.5 × 12% and loses 98% of its price in free collateral: far less than the 30k held
    expect(x!.amount).toBeLessThan(units(10))
  })

  it('rejects an IM haircut below the MM haircut, and a risk factor the market does not quote', () => {
    expect(() => portfolio.marginAccount(book([weth({ imHaircutBps: 50 })]), market)).toThrow(InvalidInputError)
    expect(() => portfolio.marginAccount(book([weth({ routeBreakLossBps: 10_001 })]), market)).toThrow(/route-break/)
    expect(() => portfolio.marginAccount(book([weth({ underlying: 'DOGE' })]), market)).toThrow(MissingMarketDataError)
  })
})
