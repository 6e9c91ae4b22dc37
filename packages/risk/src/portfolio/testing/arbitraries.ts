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

/** Wrapped assets at their underlying's spot, and a stablecoin at its peg, for risk-cancelling collateral. */
const wrapped = [
  { symbol: 'WETH', underlying: 'ETH', price: 3_000, decimals: 18 },
  { symbol: 'WBTC', underlying: 'BTC', price: 60_000, decimals: 8 },
  { symbol: 'wSOL', underlying: 'SOL', price: 150, decimals: 9 },
  { symbol: 'USDC', underlying: 'USD', price: 1, decimals: 6 },
] as const

/**
 * A wrapped-asset collateral item worth up to ~$200k on chain 1..3: risk-cancelling or not, MM haircut ≤ 3%, IM
 * haircut ≤ MM + 3%, and a route-break loss ≤ 10% half of the time.
 */
export const wrappedItemArb: fc.Arbitrary<PortfolioCollateral> = fc
  .record({
    k: fc.integer({ min: 0, max: wrapped.length - 1 }),
    chain: fc.integer({ min: 1, max: 3 }),
    usdValue: fc.double({ min: 1, max: 200_000, noNaN: true }),
    riskCancelling: fc.boolean(),
    mm: fc.integer({ min: 0, max: 300 }),
    extraIm: fc.integer({ min: 0, max: 300 }),
    routeBreak: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000 })),
  })
  .map(({ k, chain, usdValue, riskCancelling, mm, extraIm, routeBreak }) => {
    const w = wrapped[k]!
    const micro = BigInt(Math.max(1, Math.round((usdValue / w.price) * 1e6)))
    return {
      chainId: chain,
      symbol: w.symbol,
      asset: `0x${w.symbol.toLowerCase()}${chain}`,
      amount: micro * 10n ** BigInt(w.decimals - 6),
      decimals: w.decimals,
      priceUsd8: usd(w.price),
      haircutBps: 1000,
      underlying: w.underlying,
      riskCancelling,
      mmHaircutBps: mm,
      imHaircutBps: mm + extraIm,
      ...(routeBreak > 0 ? { routeBreakLossBps: routeBreak } : {}),
    }
  })

/** An account of `accountArb` with up to four wrapped-asset items added to its collateral. */
export const accountWithWrappedArb: fc.Arbitrary<PortfolioAccount> = fc
  .record({ account: accountArb, items: fc.array(wrappedItemArb, { maxLength: 4 }) })
  .map(({ account, items }) => ({ ...account, collateral: [...account.collateral, ...items] }))
