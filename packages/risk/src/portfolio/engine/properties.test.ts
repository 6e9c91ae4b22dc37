import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { floorDiv, SIZE_SCALE } from '../../math.js'
import raw from '../../scenarios/default-grid.json' with { type: 'json' }
import { parseScenarioGrid } from '../../scenarios/index.js'
import { accountArb, market, positionArb, universe } from '../testing/arbitraries.js'
import { eth, plainCollateral, usdc } from '../testing/fixtures.js'
import type { PortfolioAccount, PortfolioPosition } from '../types.js'
import { instrumentKey } from '../instruments/instrumentKey.js'
import { createPortfolioEngine } from './createPortfolioEngine.js'

const engine = createPortfolioEngine({ params: { collateral: plainCollateral } })
const full = createPortfolioEngine()
const req = (a: PortfolioAccount) => engine.marginAccount(a, market)
const scale = (positions: readonly PortfolioPosition[], num: bigint, den = 1n) => positions.map((p) => ({ ...p, size: (p.size * num) / den }))
/** rounding room: a few usd8 units per position plus the 1e-12 relative slack and float error */
const room = (a: bigint, b: bigint, n: number) => BigInt(4 * n + 8) + (a > b ? a : b) / 100_000_000n

describe('portfolio margin properties', () => {
  it('is positively homogeneous in position size: k·positions → k·requirement', () => {
    fc.assert(
      fc.property(accountArb, fc.integer({ min: 2, max: 7 }), (account, k) => {
        const one = req(account)
        const many = req({ ...account, positions: scale(account.positions, BigInt(k)) })
        const expected = one.mmUsd8 * BigInt(k)
        const diff = many.mmUsd8 > expected ? many.mmUsd8 - expected : expected - many.mmUsd8
        expect(diff).toBeLessThanOrEqual(room(many.mmUsd8, expected, k * account.positions.length))
        expect(many.worstScenario).toBe(one.mmUsd8 === 0n ? many.worstScenario : one.worstScenario)
      }),
      { numRuns: 150 },
    )
  })

  it('never lowers the requirement when a position adds loss in the worst scenario and shares no instrument or strike', () => {
    fc.assert(
      fc.property(accountArb, positionArb, (account, extra) => {
        const before = req(account)
        const keys = new Set(account.positions.map((p) => instrumentKey(p.instrument)))
        const strike = (p: PortfolioPosition) => (p.instrument.kind === 'option' ? `${p.instrument.underlying}|${p.instrument.expiryMs}|${p.instrument.strikeUsd8}` : null)
        const strikes = new Set<string | null>(account.positions.map(strike).filter((s) => s !== null))
        fc.pre(!keys.has(instrumentKey(extra.instrument)) && !strikes.has(strike(extra)))
        const alone = req({ ...account, positions: [extra] })
        const s = before.scenarioNames.indexOf(before.worstScenario!)
        fc.pre(alone.scenarioPnlUsd[s]! <= 0)
        const after = req({ ...account, positions: [...account.positions, extra] })
        expect(after.mmUsd8 + room(after.mmUsd8, before.mmUsd8, account.positions.length + 1)).toBeGreaterThanOrEqual(before.mmUsd8)
        expect(after.imUsd8 + room(after.imUsd8, before.imUsd8, account.positions.length + 1)).toBeGreaterThanOrEqual(before.imUsd8)
      }),
      { numRuns: 150 },
    )
  })

  it('never raises the requirement above the original when an exact offsetting position is added, in whole or in part', () => {
    fc.assert(
      fc.property(accountArb, fc.integer({ min: 0, max: 100 }), (account, pct) => {
        const before = req(account)
        const offset = scale(account.positions, -BigInt(pct), 100n)
        const after = req({ ...account, positions: [...account.positions, ...offset] })
        expect(after.mmUsd8).toBeLessThanOrEqual(before.mmUsd8 + room(after.mmUsd8, before.mmUsd8, 2 * account.positions.length))
        if (pct === 100) expect(after.mmUsd8).toBe(0n)
      }),
      { numRuns: 150 },
    )
  })

  it('changes equity only through chain haircuts when the same collateral is split across chains', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40_000_000 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 0, max: 2_000 }),
        (dollars, share, chainBps) => {
          const whole = usdc(1, dollars)
          const a = BigInt(Math.floor(Number(whole.amount) * share))
          const split = [{ ...whole, amount: a }, { ...usdc(2, 0), amount: whole.amount - a }]
          const one = full.marginAccount({ collateral: [whole], positions: [], settledPnlUsd8: 0n }, market)
          const two = full.marginAccount({ collateral: split, positions: [], settledPnlUsd8: 0n }, market)
          expect(two.equityUsd8 - one.equityUsd8).toBeGreaterThanOrEqual(-2n)
          expect(two.equityUsd8 - one.equityUsd8).toBeLessThanOrEqual(2n)
          // a riskier chain costs exactly its extra haircut on the part held there (within rounding)
          const riskier = full.marginAccount({ collateral: [split[0]!, { ...split[1]!, haircutBps: chainBps }], positions: [], settledPnlUsd8: 0n }, market)
          const cost = (split[1]!.amount * 100n * BigInt(chainBps)) / 10_000n
          const diff = two.equityUsd8 - riskier.equityUsd8 - cost
          expect(diff >= -3n && diff <= 3n).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('gives the same result whatever the order of the scenarios in the grid data', () => {
    const reversed = parseScenarioGrid({ ...raw, scenarios: [...raw.scenarios].reverse(), core: { spotSteps: [...raw.core.spotSteps].reverse(), vol: [...raw.core.vol].reverse() } })
    const other = createPortfolioEngine({ grid: reversed, params: { collateral: plainCollateral } })
    fc.assert(
      fc.property(accountArb, (account) => {
        const a = req(account)
        const b = other.marginAccount(account, market)
        expect(b.mmUsd8).toBe(a.mmUsd8)
        expect(b.worstScenario).toBe(a.worstScenario)
        expect(b.scenarioPnlUsd).toEqual(a.scenarioPnlUsd)
      }),
      { numRuns: 50 },
    )
  })

  it('rounds against the account: equity terms down, requirements and short marks up', () => {
    fc.assert(
      fc.property(accountArb, (account) => {
        const r = full.marginAccount(account, market)
        const worst = -r.scenarioPnlUsd.reduce((x, y) => Math.min(x, y), 0)
        expect(Number(r.worstLossUsd8)).toBeGreaterThanOrEqual(worst * 1e8)
        expect(Number(r.mmUsd8)).toBeGreaterThanOrEqual(full.params.mmMultiplier * (worst * 1e8 + Number(r.contingencyUsd8) - 1))
        expect(Number(r.imUsd8)).toBeGreaterThanOrEqual(full.params.imMultiplier * (worst * 1e8 + Number(r.contingencyUsd8) - 1))
        for (const [k, p] of r.positions.entries()) {
          const input = account.positions[k]!
          // unrealised P&L never above the exact rational value
          expect(p.unrealizedPnlUsd8 * SIZE_SCALE).toBeLessThanOrEqual(input.size * (p.markPrice - input.entryPrice))
          if (p.instrument.kind === 'option') {
            const model = full.context(market).instrument(p.instrument).valuation.value * 1e8
            if (input.size > 0n) expect(Number(p.markPrice)).toBeLessThanOrEqual(model)
            else expect(Number(p.markPrice)).toBeGreaterThanOrEqual(model)
          }
        }
        for (const c of r.collateral) {
          expect(c.haircutBps).toBeGreaterThanOrEqual(Math.min(10_000, c.baseHaircutBps + c.depegBps + c.staleBps))
          const exact = c.amount * c.priceUsd8 * (c.amount < 0n ? 10_000n + BigInt(c.haircutBps) : 10_000n - BigInt(c.haircutBps))
          expect(c.weightedUsd8 * 10n ** BigInt(c.decimals) * 10_000n).toBeLessThanOrEqual(exact)
          expect(floorDiv(exact, 10n ** BigInt(c.decimals) * 10_000n)).toBe(c.weightedUsd8)
        }
        expect(r.equityUsd8).toBe(r.collateralUsd8 + r.unrealizedPnlUsd8 + r.fundingUsd8 + r.settledPnlUsd8 - r.feesOwedUsd8)
      }),
      { numRuns: 100 },
    )
  })

  it('requires more of a larger unhedged position than of a smaller one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: universe.length - 1 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), fc.boolean(), (i, a, b, long) => {
        const pos = (units: number) => ({ instrument: universe[i]!, size: BigInt(units) * 10n ** 16n * (long ? 1n : -1n), entryPrice: 0n })
        const small = req({ collateral: [eth(1, 1)], positions: [pos(Math.min(a, b))], settledPnlUsd8: 0n })
        const large = req({ collateral: [eth(1, 1)], positions: [pos(Math.max(a, b))], settledPnlUsd8: 0n })
        expect(large.mmUsd8 + 4n).toBeGreaterThanOrEqual(small.mmUsd8)
      }),
      { numRuns: 200 },
    )
  })
})
