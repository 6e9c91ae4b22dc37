import type { VolSurface } from '../../pricing/index.js'
import type { MarketState, PortfolioCollateral, PortfolioPosition } from '../types.js'

/** Test fixtures of the portfolio engine (not part of the public API). */
export const NOW = Date.UTC(2026, 0, 15, 8)
export const DAY_MS = 24 * 3600 * 1000
export const usd = (n: number) => BigInt(Math.round(n * 1e8))
export const units = (n: number) => BigInt(Math.round(n * 1e6)) * 10n ** 12n

const surface = (underlying: string, atm: number): VolSurface => ({
  underlying,
  expiries: [
    { timeYears: 7 / 365, atmVol: atm * 1.1 },
    { timeYears: 30 / 365, atmVol: atm },
    { timeYears: 180 / 365, atmVol: atm * 0.95 },
  ],
  skew: -0.1,
})

export const market: MarketState = {
  nowMs: NOW,
  rate: 0,
  underlyings: {
    BTC: { spotUsd8: usd(60_000), updatedAtMs: NOW },
    ETH: { spotUsd8: usd(3_000), updatedAtMs: NOW },
    SOL: { spotUsd8: usd(150), updatedAtMs: NOW },
  },
  surfaces: { BTC: surface('BTC', 0.55), ETH: surface('ETH', 0.65), SOL: surface('SOL', 0.8) },
}

export const usdc = (chainId: number, amountUsd: number): PortfolioCollateral => ({
  chainId,
  symbol: 'USDC',
  asset: `0xusdc${chainId}`,
  amount: BigInt(Math.round(amountUsd * 1e6)),
  decimals: 6,
  priceUsd8: usd(1),
  haircutBps: 0,
})

export const eth = (chainId: number, amount: number, haircutBps = 1000): PortfolioCollateral => ({
  chainId,
  symbol: 'ETH',
  asset: `0xeth${chainId}`,
  amount: units(amount),
  decimals: 18,
  priceUsd8: usd(3_000),
  haircutBps,
})

export const perp = (underlying: string, size: number, entry: number): PortfolioPosition => ({
  instrument: { kind: 'perp', underlying },
  size: units(size),
  entryPrice: usd(entry),
})

export const future = (underlying: string, size: number, entry: number, days: number): PortfolioPosition => ({
  instrument: { kind: 'future', underlying, expiryMs: NOW + days * DAY_MS },
  size: units(size),
  entryPrice: usd(entry),
})

export const option = (underlying: string, right: 'call' | 'put', strike: number, days: number, size: number, premium: number): PortfolioPosition => ({
  instrument: { kind: 'option', underlying, expiryMs: NOW + days * DAY_MS, strikeUsd8: usd(strike), right },
  size: units(size),
  entryPrice: usd(premium),
})

/** Collateral parameters with no add-ons, for tests that isolate one effect. */
export const plainCollateral = { sizeTiers: {}, depegBps: {}, staleness: { afterSeconds: 60, bpsPerMinute: 0, maxBps: 0 } }
