import type { AssetConfig, ChainConfig } from './config.js'

/**
 * One asset's dual-transport threshold: the smallest amount, token base units, whose value at `priceAnswer` reaches
 * `aboveUsd`: floor(aboveUsd · 10^feedDecimals · 10^decimals / priceAnswer). Rounded down, so an amount worth
 * `aboveUsd` at that price always counts as large. This is what `MarginVault.setDualTransportThreshold` takes.
 * @param aboveUsd the vault's `dualTransportAboveUsd`, whole USD
 * @param asset the asset's `decimals` (token) and `feedDecimals` (its USD feed)
 * @param priceAnswer the feed's answer (USD with `feedDecimals` decimals), e.g. the hub's latest price
 * @throws RangeError when `aboveUsd` is not a positive safe integer or the price is not positive.
 */
export function dualTransportThreshold(aboveUsd: number, asset: Pick<AssetConfig, 'decimals' | 'feedDecimals'>, priceAnswer: bigint): bigint {
  if (!Number.isSafeInteger(aboveUsd) || aboveUsd <= 0) throw new RangeError(`dualTransportAboveUsd must be a positive whole number of USD, got ${aboveUsd}`)
  if (priceAnswer <= 0n) throw new RangeError(`price must be positive, got ${priceAnswer}`)
  return (BigInt(aboveUsd) * 10n ** BigInt(asset.feedDecimals) * 10n ** BigInt(asset.decimals)) / priceAnswer
}

/**
 * The dual-transport threshold of each of `chain`'s assets (see {@link dualTransportThreshold}), by lower-case asset
 * address, at the prices `priceOf` gives per asset symbol; empty when the chain sets no `dualTransportAboveUsd`.
 * @throws RangeError when a price is missing or not positive.
 */
export function dualTransportThresholds(chain: ChainConfig, priceOf: (symbol: string) => bigint | undefined): Map<string, bigint> {
  const thresholds = new Map<string, bigint>()
  const aboveUsd = chain.dualTransportAboveUsd
  if (aboveUsd === undefined) return thresholds
  for (const asset of chain.assets) {
    const price = priceOf(asset.symbol)
    if (price === undefined) throw new RangeError(`no price for ${asset.symbol} to convert chain ${chain.chainId}'s dualTransportAboveUsd`)
    thresholds.set(asset.address.toLowerCase(), dualTransportThreshold(aboveUsd, asset, price))
  }
  return thresholds
}
