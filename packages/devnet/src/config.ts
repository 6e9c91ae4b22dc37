import { type Config, defineConfig, type TransportName } from '@unimargin/chains'
import type { Address, Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import type { DevnetKeys } from './accounts.js'
import { ASSET_SYMBOLS, ASSETS, type ChainAddresses, DEVNET_DUAL_TRANSPORT_ABOVE_USD, FEED_DECIMALS, haircutBps, routeBreakLossBps } from './deploy/index.js'

/** Opening balance of the insurance fund in the devnet config: 100 000 USD, usd8. */
export const DEVNET_INSURANCE_FUND_USD8 = 100_000n * 10n ** 8n

export interface ConfigChainInput {
  index: number
  name: string
  chainId: number
  wormholeChainId: number
  rpcUrl: string
  startBlock: bigint
  addresses: ChainAddresses
}

/**
 * The typed config of a running devnet: every chain with its vault and assets, ETH-PERP/BTC-PERP markets,
 * guardian keys, roles and the hub on the first chain.
 * @param blockTimeMs block interval to announce; with automine the devnet announces 250 ms so pollers stay quick.
 * @param routes transport per destination chain id; chains not named are reached over Wormhole
 * @throws {ConfigError} (from defineConfig) if something is inconsistent, which would be a devnet bug.
 */
export function buildConfig(params: {
  chains: ConfigChainInput[]
  hub: Address
  /** the VaultRegistry on the hub chain and its deployment block */
  registry?: { address: Address; startBlock: bigint }
  keys: DevnetKeys
  blockTimeMs: number
  routes?: Record<number, TransportName>
}): Config {
  const { chains, keys } = params
  const first = chains[0]
  if (!first) throw new RangeError('a devnet has at least one chain')
  return defineConfig({
    // anvil's public keys: the only configuration whose file may hold private keys
    devnet: true,
    hub: { chainId: first.chainId, address: params.hub, consistencyLevel: 1 },
    chains: chains.map((c) => ({
      name: c.name,
      chainId: c.chainId,
      wormholeChainId: c.wormholeChainId,
      rpcUrl: c.rpcUrl,
      confirmations: 2,
      blockTimeMs: params.blockTimeMs,
      startBlock: c.startBlock,
      wormhole: c.addresses.wormhole,
      vault: c.addresses.vault,
      layerzero: c.addresses.layerzero,
      // what the deploy set on each vault (setDualTransportThresholds)
      dualTransportAboveUsd: DEVNET_DUAL_TRANSPORT_ABOVE_USD,
      assets: ASSET_SYMBOLS.map((symbol) => ({
        symbol,
        address: c.addresses.tokens[symbol],
        decimals: ASSETS[symbol].decimals,
        feed: c.addresses.feeds[symbol],
        feedDecimals: FEED_DECIMALS,
        haircutBps: haircutBps(symbol, c.index),
        ...(routeBreakLossBps(symbol, c.index) ? { routeBreakLossBps: routeBreakLossBps(symbol, c.index) } : {}),
      })),
    })),
    ...(params.registry ? { registry: { address: params.registry.address, startBlock: params.registry.startBlock } } : {}),
    routes: Object.entries(params.routes ?? {}).map(([chainId, transport]) => ({ chainId: Number(chainId), transport })),
    markets: [
      { symbol: 'ETH-PERP', underlying: 'ETH', imfBps: 1000, mmfBps: 500 },
      { symbol: 'BTC-PERP', underlying: 'BTC', imfBps: 1000, mmfBps: 500 },
    ],
    guardians: { setIndex: 0, keys: keys.guardians },
    venue: { reporter: address(keys.reporter) },
    relayer: { privateKey: keys.relayer },
    liquidation: { receiver: address(keys.receiver), penaltyBps: 100, insuranceFundUsd8: DEVNET_INSURANCE_FUND_USD8 },
  })
}

function address(key: Hex): Address {
  return privateKeyToAddress(key)
}
