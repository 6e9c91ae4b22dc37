import { describe, expect, it } from 'vitest'
import { computeAccountMargin } from '../margin/computeAccountMargin.js'
import { closePositions } from './closePositions.js'
import { planLiquidation } from './planLiquidation.js'

const usd = (n: number | bigint) => BigInt(n) * 10n ** 8n
const E15 = 10n ** 15n
const E18 = 10n ** 18n
const usdc = { chainId: 2, symbol: 'USDC', asset: '0xu', amount: 2000_000000n, decimals: 6, priceUsd8: usd(1), haircutBps: 0, liquidityRank: 0 }
// equity 2 000 − 1 500 = 500, MM 5% × 18 500 = 925: health 0.54
const longEth = { market: 'ETH-PERP', size: 10n * E18, entryPrice: usd(2000), markPrice: usd(1850), imfBps: 1000, mmfBps: 500 }
const base = { collateral: [usdc], positions: [longEth], settledPnlUsd8: 0n, penaltyBps: 100 }

describe('planLiquidation to a target health', () => {
  it('closes the smallest fraction that brings equity/MM to the target after penalty and seizure', () => {
    // equity after = 500 − 185·f, MM after = 925·(1 − f): 500 − 185f ≥ 1.25·925·(1 − f) ⇔ f ≥ 0.67568 → 6 757 bps
    const plan = planLiquidation({ ...base, targetHealthBps: 12_500 })
    expect(plan.closeFractionBps).toBe(6757)
    expect(plan.closedPositions).toEqual([
      {
        market: 'ETH-PERP',
        size: 6757n * E15,
        remainingSize: 3243n * E15,
        entryPrice: usd(2000),
        markPrice: usd(1850),
        notionalUsd8: 12500_45000000n, // 6.757 × 1 850
        realizedPnlUsd8: -1013_55000000n, // 6.757 × −150
      },
    ])
    expect(plan.penaltyUsd8).toBe(125_00450000n) // 1% of 12 500.45
    expect(plan.debtUsd8).toBe(1138_55450000n) // 1 013.55 + 125.0045
    expect(plan.seizures).toEqual([{ chainId: 2, symbol: 'USDC', asset: '0xu', amount: 1138_554500n, valueUsd8: 1138_55450000n }])
    expect(plan.remainingPositions).toEqual([{ ...longEth, size: 3243n * E15 }])
    // 2 000 − 1 138.5545 + 3.243 × −150 = 374.9955; MM 3.243 × 1 850 × 5% = 299.9775
    expect(plan.equityAfterUsd8).toBe(374_99550000n)
    expect(plan.mmAfterUsd8).toBe(299_97750000n)
    expect(plan.healthAfterBps).toBe(12_500n)
    expect(plan.targetReached).toBe(true)
    expect(plan.uncoveredUsd8).toBe(0n)
  })

  it('stops one basis point short of the fraction the target needs and falls below it', () => {
    const plan = planLiquidation({ ...base, targetHealthBps: 12_500, maxCloseBps: 6756 })
    expect(plan.closeFractionBps).toBe(6756)
    expect(plan.targetReached).toBe(false)
    expect(plan.healthAfterBps).toBeLessThan(12_500n)
  })

  it('closes no more than the close factor and says the target is not reached yet', () => {
    const plan = planLiquidation({ ...base, targetHealthBps: 12_500, maxCloseBps: 5000 })
    expect(plan.closeFractionBps).toBe(5000)
    expect(plan.closedPositions[0]!.size).toBe(5n * E18)
    expect(plan.penaltyUsd8).toBe(92_50000000n)
    expect(plan.targetReached).toBe(false)
  })

  it("uses the caller's margin function: doubling MM needs 8 520 bps instead of 6 757", () => {
    const margin = (a: Parameters<typeof computeAccountMargin>[0]) => {
      const m = computeAccountMargin(a)
      return { equityUsd8: m.equityUsd8, mmUsd8: 2n * m.mmUsd8 }
    }
    // 500 − 185f ≥ 1.25·1 850·(1 − f) ⇔ f ≥ 0.85194
    expect(planLiquidation({ ...base, targetHealthBps: 12_500, margin }).closeFractionBps).toBe(8520)
  })

  it('closes nothing and charges no penalty when the account already meets the target', () => {
    const plan = planLiquidation({ ...base, collateral: [{ ...usdc, amount: 100_000_000000n }], targetHealthBps: 12_500 })
    expect(plan).toMatchObject({ closeFractionBps: 0, closedPositions: [], penaltyUsd8: 0n, seizures: [], targetReached: true })
    expect(plan.remainingPositions).toEqual([longEth])
  })

  it('closes everything when equity is already negative, and splits the shortfall between insurance fund and socialised loss', () => {
    // collateral 100 USDC, loss 1 500: equity −1 400; nothing left for a penalty
    const plan = planLiquidation({ ...base, collateral: [{ ...usdc, amount: 100_000000n }], targetHealthBps: 12_500, insuranceFundUsd8: usd(1000) })
    expect(plan.closeFractionBps).toBe(10_000)
    expect(plan.penaltyUsd8).toBe(0n)
    expect(plan.debtUsd8).toBe(usd(1500))
    expect(plan.seizedValueUsd8).toBe(usd(100))
    expect(plan.uncoveredUsd8).toBe(usd(1400))
    expect(plan.insuranceFundUsd8).toBe(usd(1000))
    expect(plan.socializedLossUsd8).toBe(usd(400))
    expect(plan.targetReached).toBe(false)
  })
})

describe('seizure order', () => {
  it('seizes the most liquid asset first, then the lowest haircut, then the lowest chain id, unranked assets last', () => {
    const item = { decimals: 6, priceUsd8: usd(1), haircutBps: 0, amount: 10_000000n }
    const collateral = [
      { ...item, chainId: 1, symbol: 'DAI', asset: '0xd' },
      { ...item, chainId: 1, symbol: 'WETH', asset: '0xe', decimals: 18, amount: E18, priceUsd8: usd(10), haircutBps: 1000, liquidityRank: 1 },
      { ...item, chainId: 5, symbol: 'USDC', asset: '0xu', liquidityRank: 0 },
      { ...item, chainId: 3, symbol: 'USDT', asset: '0xt', liquidityRank: 0, haircutBps: 100 },
      { ...item, chainId: 4, symbol: 'USDC', asset: '0xv', liquidityRank: 0 },
    ]
    const plan = planLiquidation({ collateral, positions: [], settledPnlUsd8: -usd(45), penaltyBps: 100 })
    expect(plan.seizures.map((s) => [s.chainId, s.symbol, s.amount])).toEqual([
      [4, 'USDC', 10_000000n],
      [5, 'USDC', 10_000000n],
      [3, 'USDT', 10_000000n],
      [1, 'WETH', E18],
      [1, 'DAI', 5_000000n],
    ])
    expect(plan.penaltyUsd8).toBe(0n)
    expect(plan.seizedValueUsd8).toBe(usd(45))
  })

  it('skips a balance worth less than one usd8 and never seizes a liability', () => {
    const dust = { chainId: 1, symbol: 'WBTC', asset: '0xb', amount: 1n, decimals: 18, priceUsd8: usd(60_000), haircutBps: 0 }
    const owed = { chainId: 2, symbol: 'USDC', asset: '0xu', amount: -5_000000n, decimals: 6, priceUsd8: usd(1), haircutBps: 0 }
    const plan = planLiquidation({ collateral: [dust, owed], positions: [], settledPnlUsd8: -usd(1), penaltyBps: 0 })
    expect(plan.seizures).toEqual([])
    expect(plan.uncoveredUsd8).toBe(usd(1))
    expect(plan.socializedLossUsd8).toBe(usd(1))
  })
})

describe('closePositions', () => {
  it('closes hedged legs pro rata, rounding each closed size away from zero', () => {
    const short = { ...longEth, market: 'BTC-PERP', size: -3n }
    const { closed, remaining } = closePositions([{ ...longEth, size: 3n }, short], 5000)
    expect(closed.map((c) => c.size)).toEqual([2n, -2n])
    expect(remaining.map((p) => p.size)).toEqual([1n, -1n])
  })
})

describe('planLiquidation input checks', () => {
  it('throws a RangeError naming an out-of-range penalty, target or close factor', () => {
    expect(() => planLiquidation({ ...base, penaltyBps: 10_001 })).toThrow(/10001/)
    expect(() => planLiquidation({ ...base, targetHealthBps: 0 })).toThrow(RangeError)
    expect(() => planLiquidation({ ...base, maxCloseBps: 0 })).toThrow(/close factor \(0/)
    expect(() => planLiquidation({ ...base, penaltyBps: 1.5 })).toThrow(RangeError)
  })
})
