import { type AssetConfig, type ChainConfig, type Config, findAsset, type MarketConfig } from '@unimargin/chains'
import type { Address } from 'viem'

/** The configured chain whose vault is `address`, or undefined. */
export function chainOfVault(config: Config, chainId: number, address: string): ChainConfig | undefined {
  const chain = config.chains.find((c) => c.chainId === chainId)
  return chain && chain.vault.toLowerCase() === address.toLowerCase() ? chain : undefined
}

/** The assets on `chainId` whose price feed is `feed` (usually one). */
export function assetsOfFeed(config: Config, chainId: number, feed: string): AssetConfig[] {
  const chain = config.chains.find((c) => c.chainId === chainId)
  return chain ? chain.assets.filter((a) => a.feed.toLowerCase() === feed.toLowerCase()) : []
}

/** The asset at `address` on `chainId`, or undefined when it is not collateral there (or the chain is unknown). */
export function assetOn(config: Config, chainId: number, address: string): AssetConfig | undefined {
  return config.chains.some((c) => c.chainId === chainId) ? findAsset(config, chainId, address as Address) : undefined
}

export function marketOf(config: Config, symbol: string): MarketConfig | undefined {
  return config.markets.find((m) => m.symbol === symbol)
}

/** Converts a feed answer with `feedDecimals` to usd8, rounding down. */
export function toUsd8(answer: bigint, feedDecimals: number): bigint {
  if (feedDecimals === 8) return answer
  if (feedDecimals > 8) return answer / 10n ** BigInt(feedDecimals - 8)
  return answer * 10n ** BigInt(8 - feedDecimals)
}
