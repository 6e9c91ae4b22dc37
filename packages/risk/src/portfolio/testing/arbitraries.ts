import fc from 'fast-check'
import type { Instrument, PortfolioAccount, PortfolioCollateral, PortfolioPosition } from '../types.js'
import { DAY_MS, eth, market, NOW, usd, usdc } from './fixtures.js'

/** fast-check generators of accounts over a fixed universe of instruments (test support, not public API). */
const spots: Record<string, number> = { BTC: 60_000, ETH: 3_000, SOL: 150 }

export const universe: Instrument[] = Object.entries(spots).flatMap(([underlying, spot]) => {
  const list: Instrument[] = [
    { kind: 'perp', underlying },
    { kind: 'future', underlying, expiryMs: NOW + 30 * DAY_MS },
    { kind: 'future', underlying, expiryMs: NOW + 90 * DAY_MS },
  ]
  for (const days of [7, 45]) {
    for (const k of [0.8, 1, 1.25]) {
      for (const right of ['call', 'put'] as const) {
        list.push({ kind: 'option', underlying, expiryMs: NOW + days * DAY_MS, strikeUsd8: usd(spot * k), right })
      }
    }
  }
  return list
})

/** A position in one of the universe's instruments, notional up to ~$200k, entry within ±20% of spot. */
export const positionArb: fc.Arbitrary<PortfolioPosition> = fc
  .record({
    i: fc.integer({ min: 0, max: universe.length - 1 }),
    notional: fc.double({ min: 100, max: 200_000, noNaN: true }),
    long: fc.boolean(),
    entry: fc.double({ min: 0.8, max: 1.2, noNaN: true }),
  })
  .map(({ i, notional, long, entry }) => {
    const instrument = universe[i]!
    const spot = spots[instrument.underlying]!
    const units = notional / spot
    const size = BigInt(Math.round(units * 1e9)) * 10n ** 9n * (long ? 1n : -1n)
    const price = instrument.kind === 'option' ? spot * 0.05 * entry : spot * entry
    return { instrument, size: size === 0n ? 10n ** 9n : size, entryPrice: usd(price) }
  })

export const collateralArb: fc.Arbitrary<PortfolioCollateral[]> = fc
  .record({ stable: fc.double({ min: 0, max: 500_000, noNaN: true }), ether: fc.double({ min: 0, max: 100, noNaN: true }), chain: fc.integer({ min: 1, max: 3 }) })
  .map(({ stable, ether, chain }) => [usdc(chain, Math.round(stable)), eth(chain, Math.round(ether * 1e6) / 1e6)])

export const accountArb: fc.Arbitrary<PortfolioAccount> = fc
  .record({ positions: fc.array(positionArb, { minLength: 1, maxLength: 10 }), collateral: collateralArb, settled: fc.integer({ min: -10_000, max: 10_000 }) })
  .map(({ positions, collateral, settled }) => ({ positions, collateral, settledPnlUsd8: usd(settled) }))

export { market, spots }
