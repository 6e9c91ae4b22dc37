import { describe, expect, it } from 'vitest'
import { maxWithdrawable } from '../../margin/maxWithdrawable.js'
import type { AccountMargin } from '../../margin/types.js'
import raw from '../../scenarios/default-grid.json' with { type: 'json' }
import { parseScenarioGrid } from '../../scenarios/index.js'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { latencyBufferUsd8 } from '../sigma/latencyBuffer.js'
import { eth, market, perp, plainCollateral, usd, usdc } from '../testing/fixtures.js'
import { computeAccountRisk } from './computeAccountRisk.js'

describe('computeAccountRisk', () => {
  const input = { collateral: [usdc(1, 20_000), eth(2, 3)], positions: [{ ...perp('BTC', 0.5, 58_000), market: 'BTC-PERP', imfBps: 1000, mmfBps: 500 }], settledPnlUsd8: -usd(25), market }

  it("returns every field of today's AccountMargin, so maxWithdrawable accepts it", () => {
    const margin: AccountMargin = computeAccountRisk({ ...input, mode: 'portfolio' })
    expect(margin.positions[0]!.market).toBe('BTC-PERP')
    expect(margin.positions[0]!.unrealizedPnlUsd8).toBe(usd(1_000))
    const item = margin.collateral[0]!
    const linear = maxWithdrawable({ margin, item, bufferUsd8: usd(100) })
    const [engine] = createPortfolioEngine().withdrawable(input, market, { bufferUsd8: usd(100), items: [input.collateral[0]!] })
    // the linear helper freezes the size-tier add-on, so it never allows more than the engine
    expect(linear).toBeGreaterThan(0n)
    expect(linear).toBeLessThanOrEqual(engine!.amount)
  })

  it('uses the tiered mode with the positions’ own IMF/MMF when the protocol has no tier table', () => {
    const tiered = createPortfolioEngine({ mode: 'tiered', params: { tiers: {}, collateral: plainCollateral } })
    const r = computeAccountRisk({ ...input, engine: tiered })
    // 0.5 BTC × 60 000 at 10% / 5%
    expect(r.imUsd8 - usd(3_000)).toBeLessThan(10n)
    expect(r.mmUsd8 - usd(1_500)).toBeLessThan(10n)
    expect(r.mode).toBe('tiered')
  })

  it('sizes the latency buffer as z·σ·sqrt(L / horizon), rounded up', () => {
    const r = computeAccountRisk(input)
    const sigma = Number(r.pnlSigmaUsd8)
    expect(latencyBufferUsd8(r, 0, 2.33)).toBe(0n)
    const b = latencyBufferUsd8(r, 600, 2.33)
    expect(Number(b)).toBeGreaterThanOrEqual(2.33 * sigma * Math.sqrt(600 / r.sigmaHorizonSeconds))
    expect(Number(b)).toBeLessThanOrEqual(2.33 * sigma * Math.sqrt(600 / r.sigmaHorizonSeconds) + 2)
    expect(latencyBufferUsd8(r, 2400, 2.33)).toBeGreaterThan(b)
  })

  it('adds a depeg contingency for positions on an underlying the grid marks as pegged', () => {
    const grid = parseScenarioGrid({ ...raw, underlyings: { ...raw.underlyings, ETH: { ...raw.underlyings.ETH, depeg: 0.02 } } })
    const pegged = createPortfolioEngine({ grid, params: { collateral: plainCollateral } })
    const plain = createPortfolioEngine({ params: { collateral: plainCollateral } })
    const account = { collateral: [usdc(1, 10_000)], positions: [perp('ETH', 10, 3_000)], settledPnlUsd8: 0n }
    const d = pegged.marginAccount(account, market).contingencyUsd8 - plain.marginAccount(account, market).contingencyUsd8
    // 2% of 10 ETH × 3 000
    expect(Number(d) / 1e8).toBeCloseTo(600, 4)
  })
})
