import type { Address } from 'viem'
import { type ChainConfig, type Config, ConfigError, chainSchema, configPath, type RegistryChainConfig, type TransportName } from './config.js'

/**
 * A vault's status in the hub chain's VaultRegistry, in the order it moves (only forward): `active`,
 * `depositsClosed`, `withdrawalsOnly`, `retired`. Index = the contract's `Status` value.
 */
export const VAULT_STATUSES = ['active', 'depositsClosed', 'withdrawalsOnly', 'retired'] as const
export type VaultStatus = (typeof VAULT_STATUSES)[number]

/** Transport of the route hub → vault by the registry's `Transport` value. */
export const REGISTRY_TRANSPORTS: readonly TransportName[] = ['wormhole', 'layerzero']

/** One accepted asset of a registered vault, as the registry's `Asset` struct holds it (haircuts in bps). */
export type RegisteredAsset = {
  token: Address
  feed: Address
  symbol: string
  decimals: number
  feedDecimals: number
  haircutBps: number
  mmHaircutBps: number
  imHaircutBps: number
  /** 0 = canonical (no route-break scenario) */
  routeBreakLossBps: number
}

/** A vault registered in the VaultRegistry, as the hub recorded it. */
export type RegisteredVault = {
  /** EVM chain id */
  chainId: number
  vault: Address
  /** block of the vault's deployment, where its watcher starts */
  deploymentBlock: bigint
  confirmations: number
  transport: TransportName
  status: VaultStatus
  assets: RegisteredAsset[]
}

/**
 * The chain configuration of a registered vault: how the node reaches the chain (`connection`, from the config's
 * `registry.chains`) with the vault, its deployment block, confirmations and assets from the registry entry,
 * validated by the same schema as a configured chain.
 * @throws {ConfigError} naming each invalid field under `registry[<chain id>]` (e.g. a symbol the schema refuses).
 */
export function registeredChainConfig(connection: RegistryChainConfig, entry: RegisteredVault): ChainConfig {
  const input = {
    ...connection,
    vault: entry.vault,
    startBlock: entry.deploymentBlock,
    confirmations: entry.confirmations,
    assets: entry.assets.map((a) => ({
      symbol: a.symbol,
      address: a.token,
      decimals: a.decimals,
      feed: a.feed,
      feedDecimals: a.feedDecimals,
      haircutBps: a.haircutBps,
      mmHaircutBps: a.mmHaircutBps,
      imHaircutBps: a.imHaircutBps,
      ...(a.routeBreakLossBps > 0 ? { routeBreakLossBps: a.routeBreakLossBps } : {}),
    })),
  }
  const result = chainSchema.safeParse(input)
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((i) => ({ path: `registry[${entry.chainId}].${configPath(i.path, input)}`, message: i.message })),
      'the VaultRegistry',
    )
  return result.data
}

/** Why {@link joinRegisteredVault} left a registered vault out. */
export type JoinSkipReason = 'configured' | 'no_connection'

/**
 * Adds a registered vault's chain to `config` in place (`chains`, and `routes` when it is reached over LayerZero),
 * so every reader of the shared config (aggregator, relayer, API) margins it as a configured chain.
 * @returns the chain joined, or why it was left out: `configured` (the configuration already holds the chain; the
 * configured vault is kept) or `no_connection` (`registry.chains` does not say how to reach it).
 * @throws {ConfigError} from {@link registeredChainConfig} when the entry is invalid.
 */
export function joinRegisteredVault(config: Config, entry: RegisteredVault): { chain: ChainConfig } | { skipped: JoinSkipReason } {
  if (config.chains.some((c) => c.chainId === entry.chainId)) return { skipped: 'configured' }
  const connection = config.registry?.chains.find((c) => c.chainId === entry.chainId)
  if (!connection) return { skipped: 'no_connection' }
  const chain = registeredChainConfig(connection, entry)
  config.chains.push(chain)
  if (entry.transport !== 'wormhole' && !config.routes.some((r) => r.chainId === chain.chainId)) config.routes.push({ chainId: chain.chainId, transport: entry.transport })
  return { chain }
}

/** A `registered_vaults` row as the registry supervisor and the rebuild read it. */
export type RegisteredVaultRow = {
  chainId: number
  vault: string
  deploymentBlock: bigint
  confirmations: number
  transport: string
  status: string
  assets: unknown
}

/** The {@link RegisteredVault} a `registered_vaults` row records. */
export function registeredVaultOf(row: RegisteredVaultRow): RegisteredVault {
  return {
    chainId: row.chainId,
    vault: row.vault as Address,
    deploymentBlock: row.deploymentBlock,
    confirmations: row.confirmations,
    transport: row.transport as TransportName,
    status: row.status as VaultStatus,
    assets: row.assets as RegisteredAsset[],
  }
}
