import type { PortfolioAccount, PortfolioCollateral, PortfolioPosition } from '@unimargin/risk'

/** A sample book, built at the window's first prices so every window starts from the same exposure in USD. */
export type SamplePortfolio = {
  name: string
  description: string
  /** the book holds offsetting exposures (a hedge, a spread, a relative-value pair): the goals compare modes on these */
  hedged: boolean
  build: (prices: { ETH: number; BTC: number }, nowMs: number) => PortfolioAccount
}

const E18 = 10n ** 18n
const usd8 = (usd: number) => BigInt(Math.round(usd * 1e8))
/** units of the underlying (float) → signed 18-decimal size, rounded to 1e-8 units */
const units = (x: number) => (BigInt(Math.round(x * 1e8)) * E18) / 10n ** 8n

/** USDC on `chainId`: cash, base haircut 2% (the engine adds its depeg shock), flat in every scenario. */
export const usdc = (chainId: number, usd: number): PortfolioCollateral => ({
  chainId,
  symbol: 'USDC',
  asset: `usdc-${chainId}`,
  amount: BigInt(Math.round(usd * 1e6)),
  decimals: 6,
  priceUsd8: usd8(1),
  haircutBps: 200,
  underlying: 'USD',
})

/**
 * Wrapped ETH/BTC as the engine sees it: base haircut 10% (tiered and isolated modes, and portfolio mode when not
 * risk-cancelling); when `riskCancelling`, portfolio mode revalues it in the scenarios with the underlying's move and
 * charges only its MM/IM haircuts, 1% / 2% (the engine README's example values, the form of Derive's PMRM_2
 * `MMHaircut`/`IMHaircut`: liquidation cost and custody, not the price move). WBTC also carries a 5% route-break
 * scenario (a custodial wrapper whose redemption route can fail; illustrative).
 */
export function wrapped(
  symbol: 'WETH' | 'WBTC',
  chainId: number,
  amount: number,
  price: number,
  options: { riskCancelling: boolean },
): PortfolioCollateral {
  const decimals = symbol === 'WETH' ? 18 : 8
  return {
    chainId,
    symbol,
    asset: `${symbol.toLowerCase()}-${chainId}`,
    amount: (BigInt(Math.round(amount * 1e8)) * 10n ** BigInt(decimals)) / 10n ** 8n,
    decimals,
    priceUsd8: usd8(price),
    haircutBps: 1000,
    underlying: symbol === 'WETH' ? 'ETH' : 'BTC',
    ...(options.riskCancelling ? { riskCancelling: true, mmHaircutBps: 100, imHaircutBps: 200 } : {}),
    ...(symbol === 'WBTC' ? { routeBreakLossBps: 500 } : {}),
  }
}

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
/** a European ETH option expiring 14 days after `nowMs`; entry price 0 (the replay opens it at its model value) */
const ethOption = (ETH: number, nowMs: number, right: 'put' | 'call', k: number, size: number): PortfolioPosition => ({
  instrument: {
    kind: 'option',
    underlying: 'ETH',
    expiryMs: nowMs + 14 * DAY,
    strikeUsd8: strike(ETH * k),
    right,
  },
  size: units(size),
  entryPrice: 0n,
})

/**
 * The books of the stress report. Collateral is spread over three chains and carried as the engine sees it: WETH and
 * WBTC are risk-cancelling collateral (MM/IM haircuts) where they hedge a short of the same underlying, plain
 * collateral at their base haircut where they do not; stablecoins are cash.
 * - hedged: the basis trade, 10 WETH + short 10 ETH-PERP (spot-hedged);
 * - btc-basis: 1 WBTC + short 1 BTC-PERP (spot-hedged);
 * - leveraged: a 5× ETH long on USDC (not hedged);
 * - options: a short ETH put spread with short calls on USDC;
 * - covered-call: 10 WETH + short 10 × 110% 14-day ETH calls (spot-hedged);
 * - relative-value: long BTC-PERP / short ETH-PERP, equal notional, on USDC;
 * - multi-collateral: 1 WBTC + 10 WETH + USDC; long BTC-PERP vs short ETH-PERP, the WETH hedging part of the short.
 */
export const SAMPLE_PORTFOLIOS: SamplePortfolio[] = [
  {
    name: 'hedged',
    description: '10 WETH (chain 1, risk-cancelling) + 2,000 USDC (chain 2), short 10 ETH-PERP against it',
    hedged: true,
    build: ({ ETH }) => ({
      collateral: [wrapped('WETH', 1, 10, ETH, { riskCancelling: true }), usdc(2, 2_000)],
      positions: [perp('ETH', -10, ETH)],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'btc-basis',
    description: '1 WBTC (chain 1, risk-cancelling) + 1,000 USDC (chain 3), short 1 BTC-PERP against it',
    hedged: true,
    build: ({ BTC }) => ({
      collateral: [wrapped('WBTC', 1, 1, BTC, { riskCancelling: true }), usdc(3, 1_000)],
      positions: [perp('BTC', -1, BTC)],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'leveraged',
    description: '10,000 USDC split over chains 1 and 3, long ETH-PERP for 5× that notional',
    hedged: false,
    build: ({ ETH }) => ({
      collateral: [usdc(1, 6_000), usdc(3, 4_000)],
      positions: [perp('ETH', 50_000 / ETH, ETH)],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'options',
    description: '30,000 USDC; 14-day ETH put spread (short 10 × 90% put, long 10 × 75% put) and short 5 × 110% calls',
    hedged: true,
    build: ({ ETH }, nowMs) => ({
      collateral: [usdc(2, 30_000)],
      positions: [
        ethOption(ETH, nowMs, 'put', 0.9, -10),
        ethOption(ETH, nowMs, 'put', 0.75, 10),
        ethOption(ETH, nowMs, 'call', 1.1, -5),
      ],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'covered-call',
    description: '10 WETH (chain 2, risk-cancelling) + 1,000 USDC (chain 1); short 10 × 110% 14-day ETH calls',
    hedged: true,
    build: ({ ETH }, nowMs) => ({
      collateral: [wrapped('WETH', 2, 10, ETH, { riskCancelling: true }), usdc(1, 1_000)],
      positions: [ethOption(ETH, nowMs, 'call', 1.1, -10)],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'relative-value',
    description: '15,000 USDC (chain 3); long BTC-PERP vs short ETH-PERP, 50,000 USD each',
    hedged: true,
    build: ({ ETH, BTC }) => ({
      collateral: [usdc(3, 15_000)],
      positions: [perp('BTC', 50_000 / BTC, BTC), perp('ETH', -50_000 / ETH, ETH)],
      settledPnlUsd8: 0n,
    }),
  },
  {
    name: 'multi-collateral',
    description:
      '1 WBTC (chain 1) + 10 WETH (chain 2, risk-cancelling) + 10,000 USDC (chain 3); long BTC-PERP vs short ETH-PERP, equal notional',
    hedged: true,
    build: ({ ETH, BTC }) => ({
      collateral: [
        wrapped('WBTC', 1, 1, BTC, { riskCancelling: false }),
        wrapped('WETH', 2, 10, ETH, { riskCancelling: true }),
        usdc(3, 10_000),
      ],
      positions: [perp('BTC', 60_000 / BTC, BTC), perp('ETH', -60_000 / ETH, ETH)],
      settledPnlUsd8: 0n,
    }),
  },
]
