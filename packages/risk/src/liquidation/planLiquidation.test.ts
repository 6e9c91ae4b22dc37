import { describe, expect, it } from 'vitest'
import { planLiquidation } from './planLiquidation.js'

const usd = (n: number | bigint) => BigInt(n) * 10n ** 8n
const E18 = 10n ** 18n
const eth = { chainId: 1, symbol: 'ETH', asset: '0xe', amount: E18, decimals: 18, priceUsd8: usd(1800), haircutBps: 1000 }
const usdc = { chainId: 2, symbol: 'USDC', asset: '0xu', amount: 100_000000n, decimals: 6, priceUsd8: usd(1), haircutBps: 0 }

describe('planLiquidation', () => {
  it('seizes the lowest haircut first and reports what the collateral cannot cover', () => {
    const plan = planLiquidation({
      collateral: [eth, usdc],
      positions: [{ market: 'ETH-PERP', size: 10n * E18, entryPrice: usd(2000), markPrice: usd(1800), imfBps: 1000, mmfBps: 500 }],
      settledPnlUsd8: 0n,
      penaltyBps: 100,
    })
    expect(plan.realizedPnlUsd8).toBe(-usd(2000))
    // 1620 + 100 − 2000 < 0: no penalty
    expect(plan.equityAfterCloseUsd8).toBe(-usd(280))
    expect(plan.penaltyUsd8).toBe(0n)
    expect(plan.debtUsd8).toBe(usd(2000))
    expect(plan.seizures).toEqual([
      { chainId: 2, symbol: 'USDC', asset: '0xu', amount: 100_000000n, valueUsd8: usd(100) },
      { chainId: 1, symbol: 'ETH', asset: '0xe', amount: E18, valueUsd8: usd(1800) },
    ])
    expect(plan.uncoveredUsd8).toBe(usd(100))
    expect(plan.closedPositions[0]).toMatchObject({ market: 'ETH-PERP', notionalUsd8: usd(18000), realizedPnlUsd8: -usd(2000) })
  })

  it('charges the penalty on closed notional and seizes exactly the debt', () => {
    const plan = planLiquidation({
      collateral: [{ ...usdc, amount: 10_000_000000n }],
      positions: [{ market: 'ETH-PERP', size: E18, entryPrice: usd(2000), markPrice: usd(1900), imfBps: 1000, mmfBps: 500 }],
      settledPnlUsd8: 0n,
      penaltyBps: 100,
    })
    expect(plan.penaltyUsd8).toBe(usd(19))
    expect(plan.settledPnlUsd8).toBe(-usd(119))
    expect(plan.seizures).toEqual([{ chainId: 2, symbol: 'USDC', asset: '0xu', amount: 119_000000n, valueUsd8: usd(119) }])
    expect(plan.uncoveredUsd8).toBe(0n)
  })

  it('caps the penalty at the equity left after closing', () => {
    const plan = planLiquidation({
      collateral: [{ ...usdc, amount: 110_000000n }],
      positions: [{ market: 'ETH-PERP', size: E18, entryPrice: usd(2000), markPrice: usd(1900), imfBps: 1000, mmfBps: 500 }],
      settledPnlUsd8: 0n,
      penaltyBps: 100,
    })
    expect(plan.penaltyUsd8).toBe(usd(10))
    expect(plan.debtUsd8).toBe(usd(110))
  })

  it('rounds a seized amount up to cover the debt', () => {
    const coarse = { chainId: 3, symbol: 'X', asset: '0xx', amount: 100n, decimals: 0, priceUsd8: 3n, haircutBps: 0 }
    const plan = planLiquidation({ collateral: [coarse], positions: [], settledPnlUsd8: -10n, penaltyBps: 100 })
    expect(plan.seizures).toEqual([{ chainId: 3, symbol: 'X', asset: '0xx', amount: 4n, valueUsd8: 12n }])
  })

  it('charges an account with no positions and no debt nothing', () => {
    const plan = planLiquidation({ collateral: [usdc], positions: [], settledPnlUsd8: 0n, penaltyBps: 100 })
    expect(plan).toMatchObject({ penaltyUsd8: 0n, debtUsd8: 0n, seizures: [], uncoveredUsd8: 0n })
  })
})
