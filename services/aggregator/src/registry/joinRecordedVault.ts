import { type Config, ConfigError, joinRegisteredVault, registeredVaultOf } from '@unimargin/chains'
import { type DbOrTx, eq, registeredVaults } from '@unimargin/db'

/**
 * Joins the vault `registered_vaults` records on `chainId` to `config` (in place) when the config does not hold the
 * chain yet: an event of a registered chain can reach this aggregator before its node's registry supervisor has
 * polled (another node's watcher ingested it), and must be applied, not ignored.
 * @returns whether the config holds the chain afterwards.
 */
export async function joinRecordedVault(tx: DbOrTx, config: Config, chainId: number): Promise<boolean> {
  if (config.chains.some((c) => c.chainId === chainId)) return true
  if (!config.registry) return false
  const [row] = await tx.select().from(registeredVaults).where(eq(registeredVaults.chainId, chainId))
  if (!row) return false
  try {
    return 'chain' in joinRegisteredVault(config, registeredVaultOf(row))
  } catch (error) {
    if (error instanceof ConfigError) return false
    throw error
  }
}
