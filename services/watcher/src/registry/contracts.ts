import type { ChainConfig, Config } from '@unimargin/chains'
import { MarginVault, MockPriceFeed, VaultRegistry } from '@unimargin/contracts'
import type { Abi } from 'viem'
import type { WatchedContract } from '../watcher.js'

/**
 * What a node or co-signer ingests on `chain`: its vault, every asset's feed and, on the hub chain, the
 * VaultRegistry the config names (under the same finality and reorg rules as the vault).
 */
export function watchedContracts(config: Config, chain: ChainConfig): WatchedContract[] {
  return [
    { address: chain.vault, abi: MarginVault.abi as Abi },
    ...chain.assets.map((asset) => ({ address: asset.feed, abi: MockPriceFeed.abi as Abi })),
    ...(config.registry && chain.chainId === config.hub.chainId ? [{ address: config.registry.address, abi: VaultRegistry.abi as Abi }] : []),
  ]
}
