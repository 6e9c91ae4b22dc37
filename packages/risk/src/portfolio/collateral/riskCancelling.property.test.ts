import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { accountWithWrappedArb, market, wrappedItemArb } from '../testing/arbitraries.js'
import { DAY_MS, NOW, usd, usdc } from '../testing/fixtures.js'
import type { PortfolioCollateral, PortfolioPosition } from '../types.js'

const engine = createPortfolioEngine()
/** rounding room: the 1e-12 slack of the float part on both sides, a few usd8 of the exact parts */
const room = (a: bigint, b: bigint) => 40n + (a > b ? a : b) / 1_000_000_000n

/** A short ETH perp (days 0) or dated future (rate 0: forward = spot, so each cancels WETH exactly), 0.1 to 50 ETH. */
const shortEthArb: fc.Arbitrary<PortfolioPosition> = fc
  .record({ days: fc.constantFrom(0, 30, 90), micro: fc.integer({ min: 100_000, max: 50_000_000 }), entry: fc.integer({ min: 2_400, max: 3_600 }) })
  .map(({ days, micro, entry }): PortfolioPosition => ({
    instrument: days === 0 ? { kind: 'perp', underlying: 'ETH' } : { kind: 'future', underlying: 'ETH', expiryMs: NOW + days * DAY_MS },
    size: -BigInt(micro) * 10n ** 12n,
    entryPrice: usd(entry),
  }))

const weth = (amount: bigint, mm: number, im: number): PortfolioCollateral => ({
  chainId: 1,
  symbol: 'WETH',
  asset: '0xweth1',
  amount,
  decimals: 18,
  priceUsd8: usd(3_000),
  haircutBps: 1000,
  underlying: 'ETH',
  riskCancelling: true,
  mmHaircutBps: mm,
  imHaircutBps: im,
})

describe('risk-cancelling collateral properties', () => {
  it('never raises IM or MM when WETH is added against a short ETH delta-one book, up to the book size', () => {
    fc.assert(
      fc.property(
        fc.array(shortEthArb, { minLength: 1, maxLength: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 500_000 }),
        (positions, share, mm, extraIm, cash) => {
          const short = positions.reduce((t, p) => t - p.size, 0n)
          const amount = (short * BigInt(Math.floor(share * 1e6))) / 1_000_000n
          const base = { collateral: [usdc(1, cash)], positions, settledPnlUsd8: 0n }
          const before = engine.marginAccount(base, market)
          const after = engine.marginAccount({ ...base, collateral: [...base.collateral, weth(amount, mm, mm + extraIm)] }, market)
          expect(after.imUsd8).toBeLessThanOrEqual(before.imUsd8 + room(after.imUsd8, before.imUsd8))
          expect(after.mmUsd8).toBeLessThanOrEqual(before.mmUsd8 + room(after.mmUsd8, before.mmUsd8))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('never raises what any book lacks: adding risk-cancelling collateral never lowers equity − IM or equity − MM', () => {
    fc.assert(
      fc.property(accountWithWrappedArb, wrappedItemArb, (account, item) => {
        const added = { ...item, riskCancelling: true }
        const before = engine.marginAccount(account, market)
        const after = engine.marginAccount({ ...account, collateral: [...account.collateral, added] }, market)
        const r = room(before.imUsd8, after.imUsd8) + room(before.equityUsd8 < 0n ? -before.equityUsd8 : before.equityUsd8, 0n)
        expect(after.freeCollateralUsd8 + r).toBeGreaterThanOrEqual(before.freeCollateralUsd8)
        expect(after.equityUsd8 - after.mmUsd8 + r).toBeGreaterThanOrEqual(before.equityUsd8 - before.mmUsd8)
      }),
      { numRuns: 300 },
    )
  })

  it('treats an item whose new fields are absent or switched off exactly alike', () => {
    fc.assert(
      fc.property(accountWithWrappedArb, (account) => {
        const plain = account.collateral.map(({ riskCancelling, mmHaircutBps, imHaircutBps, routeBreakLossBps, ...rest }) => rest)
        const flaggedOff = account.collateral.map((c) => ({ ...c, riskCancelling: false, mmHaircutBps: undefined, imHaircutBps: undefined, routeBreakLossBps: undefined }))
        const a = engine.marginAccount({ ...account, collateral: plain }, market)
        const b = engine.marginAccount({ ...account, collateral: flaggedOff }, market)
        expect(b.imUsd8).toBe(a.imUsd8)
        expect(b.mmUsd8).toBe(a.mmUsd8)
        expect(b.equityUsd8).toBe(a.equityUsd8)
        expect(b.scenarioPnlUsd).toEqual(a.scenarioPnlUsd)
        expect(a.collateralImUsd8).toBe(0n)
        expect(a.routeBreakUsd8).toBe(0n)
      }),
      { numRuns: 100 },
    )
  })
})
