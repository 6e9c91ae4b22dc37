import type { PortfolioAccount } from '@unimargin/risk'

/** One leg of a coverage book: a perpetual on `underlying`, sized to `notionalUsd` at every evaluation (− = short). */
export type CoverageLeg = { underlying: string; notionalUsd: number }

/** A book the coverage backtest re-opens at every evaluated hour, at that hour's prices (so entry = mark, P&L 0). */
export type CoverageBook = { name: string; description: string; legs: CoverageLeg[] }

const naked = (u: string, side: 1 | -1): CoverageBook => ({
  name: `${u.toLowerCase()}-${side > 0 ? 'long' : 'short'}`,
  description: `naked ${side > 0 ? 'long' : 'short'} ${u}-PERP, 100,000 USD`,
  legs: [{ underlying: u, notionalUsd: side * 100_000 }],
})

/**
 * The default books: naked long and short perps on each of BTC, ETH, SOL, LINK, AVAX; two hedged pairs (long BTC /
 * short ETH, long SOL / short AVAX, 100,000 USD a leg) whose loss is the spread the decorrelation scenarios cover; and
 * alts against BTC (long SOL, LINK, AVAX 33,333 USD each, short BTC 100,000 USD).
 */
export const COVERAGE_BOOKS: readonly CoverageBook[] = [
  ...['BTC', 'ETH', 'SOL', 'LINK', 'AVAX'].flatMap((u) => [naked(u, 1), naked(u, -1)]),
  {
    name: 'btc-eth-pair',
    description: 'long BTC-PERP / short ETH-PERP, 100,000 USD a leg',
    legs: [
      { underlying: 'BTC', notionalUsd: 100_000 },
      { underlying: 'ETH', notionalUsd: -100_000 },
    ],
  },
  {
    name: 'sol-avax-pair',
    description: 'long SOL-PERP / short AVAX-PERP, 100,000 USD a leg',
    legs: [
      { underlying: 'SOL', notionalUsd: 100_000 },
      { underlying: 'AVAX', notionalUsd: -100_000 },
    ],
  },
  {
    name: 'alts-vs-btc',
    description: 'long SOL, LINK, AVAX perps 33,333 USD each, short BTC-PERP 100,000 USD',
    legs: [
      { underlying: 'SOL', notionalUsd: 33_333 },
      { underlying: 'LINK', notionalUsd: 33_333 },
      { underlying: 'AVAX', notionalUsd: 33_333 },
      { underlying: 'BTC', notionalUsd: -100_000 },
    ],
  },
]

const E18 = 10n ** 18n

/** Σ |leg notional|, USD: the denominator of average capital. */
export const grossNotionalUsd = (book: CoverageBook) => book.legs.reduce((s, l) => s + Math.abs(l.notionalUsd), 0)

/**
 * The book as an account at `prices` (USD per unit): each leg a perp of size notional / price (18 decimals, rounded
 * to 1e-8 units) entered at the price (usd8), with 1,000,000 USDC collateral (collateral does not enter MM).
 * @throws Error when a leg's underlying has no price
 */
export function bookAccount(book: CoverageBook, prices: Readonly<Record<string, number>>): PortfolioAccount {
  return {
    collateral: [{ chainId: 1, symbol: 'USDC', asset: 'usdc-1', amount: 1_000_000n * 10n ** 6n, decimals: 6, priceUsd8: 100_000_000n, haircutBps: 0 }],
    positions: book.legs.map((l) => {
      const price = prices[l.underlying]
      if (!(price && price > 0)) throw new Error(`No price for ${l.underlying} in book ${book.name}`)
      return {
        instrument: { kind: 'perp', underlying: l.underlying },
        size: (BigInt(Math.round((l.notionalUsd / price) * 1e8)) * E18) / 10n ** 8n,
        entryPrice: BigInt(Math.round(price * 1e8)),
        market: `${l.underlying}-PERP`,
      }
    }),
    settledPnlUsd8: 0n,
  }
}

/** Sizes in units (float) of the account `bookAccount` builds, for the realised loss. */
export const bookUnits = (book: CoverageBook, prices: Readonly<Record<string, number>>) =>
  book.legs.map((l) => Math.round((l.notionalUsd / prices[l.underlying]!) * 1e8) / 1e8)
