/** Symbols of the devnet's collateral assets, as the config names them (the feed's underlying). */
export type AssetSymbol = 'USDC' | 'ETH' | 'BTC'
export const ASSET_SYMBOLS: readonly AssetSymbol[] = ['USDC', 'ETH', 'BTC']

/** What the devnet deploys per asset on every chain: a mintable ERC-20 and an 8-decimal USD feed. */
export const ASSETS: Record<AssetSymbol, { tokenName: string; tokenSymbol: string; decimals: number; feedDescription: string; initialPriceUsd8: bigint }> = {
  USDC: { tokenName: 'USD Coin', tokenSymbol: 'USDC', decimals: 6, feedDescription: 'USDC / USD', initialPriceUsd8: 1n * 10n ** 8n },
  ETH: { tokenName: 'Wrapped Ether', tokenSymbol: 'WETH', decimals: 18, feedDescription: 'ETH / USD', initialPriceUsd8: 1600n * 10n ** 8n },
  BTC: { tokenName: 'Wrapped Bitcoin', tokenSymbol: 'WBTC', decimals: 8, feedDescription: 'BTC / USD', initialPriceUsd8: 21_000n * 10n ** 8n },
}

/** Feed decimals of every devnet price feed. */
export const FEED_DECIMALS = 8

/** Haircut in bps of (asset, chain index): chains 0 and 1 take 10 % on ETH/BTC, later chains 15 %; USDC 2 %. */
export function haircutBps(symbol: AssetSymbol, chainIndex: number): number {
  if (symbol === 'USDC') return 200
  return chainIndex < 2 ? 1000 : 1500
}

/**
 * Route-break loss of (asset, chain index), bps: WETH and WBTC on chains 2 and later stand for bridged tokens, which lose
 * 30 % in their route-break scenario (the bridge failing while ETH and BTC hold); chains 0 and 1 hold canonical ones.
 */
export function routeBreakLossBps(symbol: AssetSymbol, chainIndex: number): number | undefined {
  return symbol !== 'USDC' && chainIndex >= 2 ? 3000 : undefined
}
