import type { MarketState, PortfolioAccount, VolSurface } from '@unimargin/risk'
import type { PriceWindow } from './windows.js'

/** Option-pricing inputs of a replay (the windows carry no vols). */
export type MarketOptions = {
  /** ATM vol per underlying for option pricing (default ETH 0.75, BTC 0.65; illustrative) */
  atmVols?: Record<string, number>
  /** vol skew per log-moneyness (default −0.1) */
  skew?: number
  /** continuously compounded rate (default 0.03) */
  rate?: number
}

const USD8 = 1e8
export const toUsd = (v: bigint) => Number(v) / USD8
export const toUsd8 = (v: number) => BigInt(Math.round(v * USD8))

/** Flat-term vol surfaces (7 and 90 days) per underlying of the window. */
export function windowSurfaces(window: PriceWindow, options: MarketOptions): Record<string, VolSurface> {
  const vols: Record<string, number> = {
    ETH: 0.75,
    BTC: 0.65,
    ...options.atmVols,
  }
  const out: Record<string, VolSurface> = {}
  for (const u of Object.keys(window.closes))
    out[u] = {
      underlying: u,
      expiries: [
        { timeYears: 7 / 365, atmVol: vols[u] ?? 0.8 },
        { timeYears: 90 / 365, atmVol: vols[u] ?? 0.8 },
      ],
      skew: options.skew ?? -0.1,
    }
  return out
}

/**
 * The market at hour `i`: spot = mark = the window's close times `factors[u]` (1 when absent: the price impact of a
 * cascade, see `cascade.ts`); feeds fresh.
 */
export function marketAt(
  window: PriceWindow,
  i: number,
  surfaces: Record<string, VolSurface>,
  rate: number,
  factors: Readonly<Record<string, number>> = {},
): MarketState {
  const nowMs = window.times[i]!
  const underlyings: Record<string, MarketState['underlyings'][string]> = {}
  for (const [u, closes] of Object.entries(window.closes))
    underlyings[u] = {
      spotUsd8: toUsd8(closes[i]! * (factors[u] ?? 1)),
      updatedAtMs: nowMs,
    }
  return { nowMs, underlyings, surfaces, rate }
}

/** Collateral marked at the hour's prices: each item at its underlying's spot (stablecoins, `USD`, keep their price). */
export function markCollateral(account: PortfolioAccount, market: MarketState): PortfolioAccount {
  return {
    ...account,
    collateral: account.collateral.map((c) => {
      const q = market.underlyings[c.underlying ?? c.symbol]
      return {
        ...c,
        priceUsd8: q ? q.spotUsd8 : c.priceUsd8,
        priceUpdatedAtMs: market.nowMs,
      }
    }),
  }
}
