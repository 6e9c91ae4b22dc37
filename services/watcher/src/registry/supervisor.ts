import { type ChainConfig, type Config, ConfigError, joinRegisteredVault, registeredVaultOf, type VaultStatus } from '@unimargin/chains'
import { type Db, registeredVaults } from '@unimargin/db'
import { createPollLoop, type Watchdog } from '@unimargin/lifecycle'
import type { Logger } from 'pino'

export type CreateRegistrySupervisorParameters = {
  db: Db
  /** reports a round that never ends (a hung query or RPC): the node exits so its supervisor restarts it */
  watchdog?: Watchdog | undefined
  /** the node's configuration, shared with its aggregator, relayer and API: a registered vault's chain is added to its `chains` (and `routes`) */
  config: Config
  logger: Logger
  /** starts ingesting a chain that just joined (the node's watcher of it); absent on a node without watchers */
  startWatcher?: (chain: ChainConfig) => void
  /** ms between reads of `registered_vaults` (default 1 000) */
  pollIntervalMs?: number
}

export type RegistrySupervisor = {
  /** Reads `registered_vaults` once and brings in every vault not yet joined. @returns the chain ids it joined. */
  poll: () => Promise<number[]>
  start: () => void
  stop: () => Promise<void>
  /** the status the registry gives each vault that joined, by chain id */
  statuses: () => Map<number, VaultStatus>
}

/**
 * Joins vaults registered in the hub chain's VaultRegistry while the node runs. Each poll reads `registered_vaults`
 * (written by the aggregator from the registry's confirmed events); a vault on a chain not yet in `config.chains`
 * whose connection `config.registry.chains` names is validated as a chain configuration (`registeredChainConfig`),
 * added to `config.chains` (its assets, feeds and haircuts are then the aggregator's, as if configured) and to
 * `config.routes` when it is reached over LayerZero, and its watcher is started from the vault's deployment block.
 * A vault on a chain the configuration already holds, or whose chain has no connection, or whose entry the schema
 * refuses, is logged once and left out. Status changes are followed (`statuses`); the relayer reads `retired` from
 * the table itself.
 */
export function createRegistrySupervisor(parameters: CreateRegistrySupervisorParameters): RegistrySupervisor {
  const { db, config, startWatcher } = parameters
  const log = parameters.logger.child({ service: 'registry' })
  const joined = new Map<number, VaultStatus>()
  const configured = new Set(config.chains.map((c) => c.chainId))
  const reported = new Set<string>()
  const reportOnce = (key: string, report: () => void) => {
    if (reported.has(key)) return
    reported.add(key)
    report()
  }

  async function poll(): Promise<number[]> {
    const rows = await db.select().from(registeredVaults)
    const added: number[] = []
    for (const row of rows) {
      const status = row.status as VaultStatus
      const known = joined.get(row.chainId)
      if (known !== undefined) {
        if (known !== status) log.info({ chain_id: row.chainId, vault: row.vault, from: known, to: status }, 'Registered vault changed status')
        joined.set(row.chainId, status)
        continue
      }
      // the node's aggregator may have joined it first (an event of the chain another node ingested)
      let chain: ChainConfig | undefined = configured.has(row.chainId) ? undefined : config.chains.find((c) => c.chainId === row.chainId)
      if (!chain) {
        try {
          const result = joinRegisteredVault(config, registeredVaultOf(row))
          if ('skipped' in result) {
            if (result.skipped === 'configured')
              reportOnce(`configured:${row.chainId}`, () => log.warn({ chain_id: row.chainId, vault: row.vault }, 'A vault is registered on a chain the configuration already holds; the configured one is kept'))
            else reportOnce(`connection:${row.chainId}`, () => log.error({ chain_id: row.chainId, vault: row.vault }, 'A vault is registered on a chain registry.chains does not name: not watched'))
            continue
          }
          chain = result.chain
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error
          reportOnce(`invalid:${row.chainId}`, () => log.error({ chain_id: row.chainId, vault: row.vault, err: error.message }, 'A registered vault\'s entry is invalid: not watched'))
          continue
        }
      }
      joined.set(row.chainId, status)
      startWatcher?.(chain)
      added.push(row.chainId)
      log.info({ chain_id: chain.chainId, name: chain.name, vault: chain.vault, from_block: chain.startBlock.toString(), assets: chain.assets.map((a) => a.symbol), status }, 'Joined a registered vault')
    }
    return added
  }

  const loop = createPollLoop({
    watchdog: parameters.watchdog,
    name: 'registry',
    intervalMs: parameters.pollIntervalMs ?? 1000,
    run: async () => {
      await poll()
      return false
    },
    onError: (error, failures, retryInMs) => {
      log.warn({ err: (error as Error).message, failures, retry_in_ms: retryInMs }, 'Failed to read the registered vaults')
    },
  })
  return { poll, start: () => loop.start(), stop: () => loop.stop(), statuses: () => new Map(joined) }
}
