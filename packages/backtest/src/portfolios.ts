import type { PortfolioAccount, PortfolioCollateral, PortfolioPosition } from '@unimargin/risk'

/** A sample book, built at the window's first prices so every window starts from the same exposure in USD. */
export type SamplePortfolio = {
  name: string
  description: string
  build: (prices: { ETH: number; BTC: number }, nowMs: number) => PortfolioAccount
}

const E18 = 10n ** 18n
const usd8 = (usd: number) => BigInt(Math.round(usd * 1e8))
/** units of the underlying (float) → signed 18-decimal size, rounded to 1e-8 units */
const units = (x: number) => (BigInt(Math.round(x * 1e8)) * E18) / 10n ** 8n
const usdc = (chainId: number, usd: number): PortfolioCollateral => ({
  chainId,
  symbol: 'USDC',
  asset: `usdc-${chainId}`,
  amount: BigInt(Math.round(usd * 1e6)),
  decimals: 6,
  priceUsd8: usd8(1),
  haircutBps: 200,
})
const token = (symbol: 'ETH' | 'BTC', chainId: number, amount: number, price: number, decimals: number): PortfolioCollateral => ({
  chainId,
  symbol,
  asset: `${symbol.toLowerCase()}-${chainId}`,
  amount: (BigInt(Math.round(amount * 1e8)) * 10n ** BigInt(decimals)) / 10n ** 8n,
  decimals,
  priceUsd8: usd8(price),
  haircutBps: 1000,
})
const perp = (underlying: string, size: number, entry: number): PortfolioPosition => ({
  instrument: { kind: 'perp', underlying },
  size: units(size),
  entryPrice: usd8(entry),
  market: `${underlying}-PERP`,
  imfBps: 1000,
  mmfBps: 500,
})
const DAY = 86_400_000
/** strikes rounded to 50 USD (a listed-strike grid) */
const strike = (x: number) => usd8(Math.round(x / 50) * 50)

/**
 * The four books of the stress report: a delta-hedged ETH carry, a 5× leveraged ETH long, a short-premium ETH options
 * book, and a multi-collateral BTC/ETH relative-value book. Collateral is spread over three chains.
 */
export const SAMPLE_PORTFOLIOS: SamplePortfolio[] = [
  {
    name: 'hedged',
    description: '10 WETH collateral (chain 1) + 2,000 USDC (chain 2), short 10 ETH-PERP against it',
    build: ({ ETH }) => ({
      collateral: [token('ETH', 1, 10, ETH, 18), usdc(2, 2_000)],
      positions: [perp('ETH', -10, ETH)],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'leveraged',
    description: '10,000 USDC split over chains 1 and 3, long ETH-PERP for 5× that notional',
    build: ({ ETH }) => ({
      collateral: [usdc(1, 6_000), usdc(3, 4_000)],
      positions: [perp('ETH', 50_000 / ETH, ETH)],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'options',
    description: '30,000 USDC; 14-day ETH put spread (short 10 × 90% put, long 10 × 75% put) and short 5 × 110% calls',
    build: ({ ETH }, nowMs) => {
      const expiryMs = nowMs + 14 * DAY
      const option = (right: 'put' | 'call', k: number, size: number): PortfolioPosition => ({
        instrument: { kind: 'option', underlying: 'ETH', expiryMs, strikeUsd8: strike(ETH * k), right },
        size: units(size),
        entryPrice: 0n,
      })
      return {
        collateral: [usdc(2, 30_000)],
        positions: [option('put', 0.9, -10), option('put', 0.75, 10), option('call', 1.1, -5)],
        settledPnlUsd8: 0n,
      }
    },
  },
  {
    name: 'multi-collateral',
    description: '1 WBTC (chain 1) + 10 WETH (chain 2) + 10,000 USDC (chain 3); long BTC-PERP vs short ETH-PERP, equal notional',
    build: ({ ETH, BTC }) => ({
      collateral: [token('BTC', 1, 1, BTC, 8), token('ETH', 2, 10, ETH, 18), usdc(3, 10_000)],
      positions: [perp('BTC', 60_000 / BTC, BTC), perp('ETH', -60_000 / ETH, ETH)],
      settledPnlUsd8: 0n,
    }),
  },
]
