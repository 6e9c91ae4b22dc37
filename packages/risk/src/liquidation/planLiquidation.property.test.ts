import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeAccountMargin } from '../margin/computeAccountMargin.js'
import { ceilDiv, max } from '../math.js'
import { planLiquidation } from './planLiquidation.js'
import type { LiquidationCollateralInput, PlanLiquidationParameters } from './types.js'

const collateralItem = fc.record({
  chainId: fc.integer({ min: 1, max: 5 }),
  symbol: fc.constantFrom('USDC', 'ETH', 'WBTC', 'SOL'),
  asset: fc.constantFrom('0xa', '0xb', '0xc'),
  amount: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 24n }),
  decimals: fc.integer({ min: 0, max: 18 }),
  priceUsd8: fc.bigInt({ min: 0n, max: 10n ** 13n }),
  haircutBps: fc.integer({ min: 0, max: 9000 }),
  liquidityRank: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
}) satisfies fc.Arbitrary<LiquidationCollateralInput>

const position = fc
  .record({
    market: fc.constantFrom('ETH-PERP', 'BTC-PERP', 'SOL-PERP'),
    size: fc.bigInt({ min: -(10n ** 21n), max: 10n ** 21n }),
    entryPrice: fc.bigInt({ min: 1n, max: 10n ** 13n }),
    markPrice: fc.bigInt({ min: 1n, max: 10n ** 13n }),
    mmfBps: fc.integer({ min: 1, max: 2000 }),
  })
  .map((p) => ({ ...p, imfBps: Math.min(10_000, 2 * p.mmfBps) }))

const parameters: fc.Arbitrary<PlanLiquidationParameters> = fc.record({
  // one balance per (chain, asset), as the ledger holds them
  collateral: fc.uniqueArray(collateralItem, { maxLength: 4, selector: (c) => `${c.chainId}:${c.asset}` }),
  positions: fc.array(position, { maxLength: 3 }),
  settledPnlUsd8: fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
  penaltyBps: fc.integer({ min: 0, max: 1500 }),
  targetHealthBps: fc.option(fc.integer({ min: 10_000, max: 30_000 }), { nil: undefined }),
  maxCloseBps: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  insuranceFundUsd8: fc.option(fc.bigInt({ min: -(10n ** 10n), max: 10n ** 14n }), { nil: undefined }),
})

describe('planLiquidation properties', () => {
  it('never seizes more than the debt plus one base unit of the last asset seized, nor more than a balance', () => {
    fc.assert(
      fc.property(parameters, (p) => {
        const plan = planLiquidation(p)
        const seized = plan.seizures.reduce((s, x) => s + x.valueUsd8, 0n)
        expect(seized).toBe(plan.seizedValueUsd8)
        const last = plan.seizures.at(-1)
        if (last) {
          const item = p.collateral.find((c) => c.chainId === last.chainId && c.asset === last.asset && c.symbol === last.symbol && c.amount >= last.amount)!
          expect(seized).toBeLessThanOrEqual(plan.debtUsd8 + ceilDiv(item.priceUsd8, 10n ** BigInt(item.decimals)))
        }
        for (const s of plan.seizures) {
          expect(s.amount).toBeGreaterThan(0n)
          expect(p.collateral.some((c) => c.chainId === s.chainId && c.asset === s.asset && c.symbol === s.symbol && c.amount >= s.amount)).toBe(true)
        }
        expect(plan.debtUsd8 - plan.uncoveredUsd8).toBeLessThanOrEqual(seized)
      }),
      { numRuns: 500 },
    )
  })

  it('charges a flat account (no open position, no debt) nothing', () => {
    const flat = parameters.map((p) => ({
      ...p,
      positions: p.positions.map((x) => ({ ...x, size: 0n })),
      settledPnlUsd8: p.settledPnlUsd8 < 0n ? -p.settledPnlUsd8 : p.settledPnlUsd8,
    }))
    fc.assert(
      fc.property(flat, (p) => {
        const plan = planLiquidation(p)
        expect(plan).toMatchObject({ closedPositions: [], penaltyUsd8: 0n, debtUsd8: 0n, seizures: [], seizedValueUsd8: 0n, uncoveredUsd8: 0n })
        expect(plan.socializedLossUsd8).toBe(0n)
      }),
      { numRuns: 300 },
    )
  })

  it('keeps the penalty between zero and the equity, before and after closing', () => {
    fc.assert(
      fc.property(parameters, (p) => {
        const plan = planLiquidation(p)
        const equity = computeAccountMargin(p).equityUsd8
        expect(plan.penaltyUsd8).toBeGreaterThanOrEqual(0n)
        expect(plan.penaltyUsd8).toBeLessThanOrEqual(max(0n, equity))
        expect(plan.penaltyUsd8).toBeLessThanOrEqual(max(0n, plan.equityAfterCloseUsd8))
      }),
      { numRuns: 500 },
    )
  })

  it('splits any shortfall into the insurance fund, up to its balance, and socialised loss', () => {
    fc.assert(
      fc.property(parameters, (p) => {
        const plan = planLiquidation(p)
        expect(plan.insuranceFundUsd8 + plan.socializedLossUsd8).toBe(plan.uncoveredUsd8)
        expect(plan.insuranceFundUsd8).toBeLessThanOrEqual(max(0n, p.insuranceFundUsd8 ?? 0n))
        expect(plan.socializedLossUsd8).toBeGreaterThanOrEqual(0n)
      }),
      { numRuns: 300 },
    )
  })

  it('closes a fraction of every position within the close factor, whole when equity is gone, and keeps sizes whole', () => {
    fc.assert(
      fc.property(parameters, (p) => {
        const plan = planLiquidation(p)
        const open = p.positions.filter((x) => x.size !== 0n)
        if (open.length === 0) return
        const equity = computeAccountMargin(p).equityUsd8
        if (p.targetHealthBps === undefined || equity <= 0n) expect(plan.closeFractionBps).toBe(10_000)
        else expect(plan.closeFractionBps).toBeLessThanOrEqual(p.maxCloseBps ?? 10_000)
        const closed = plan.closedPositions.reduce((s, c) => s + c.size, 0n)
        const remaining = plan.remainingPositions.reduce((s, c) => s + c.size, 0n)
        expect(closed + remaining).toBe(open.reduce((s, c) => s + c.size, 0n))
        if (plan.targetReached && p.targetHealthBps !== undefined && plan.mmAfterUsd8 > 0n) {
          expect(plan.healthAfterBps).toBeGreaterThanOrEqual(BigInt(p.targetHealthBps))
        }
      }),
      { numRuns: 300 },
    )
  })
})
