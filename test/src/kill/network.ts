import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '@unimargin/chains'
import { DEVNET_COSIGNER_THRESHOLD, type Devnet, startDevnet } from '@unimargin/devnet'
import { type LocalCoSigners, startLocalCoSigners } from '@unimargin/node'
import type { Logger } from 'pino'

/** The chain reached over LayerZero in these tests (chain 3); chains 1 (the hub's) and 2 are reached over Wormhole. */
export const LAYERZERO_CHAIN_ID = 31_339

export type KillNetwork = {
  devnet: Devnet
  coSigners: LocalCoSigners
  /** the node's config (the devnet's, with the co-signers), as the node reads it */
  config: Config
  /** where that config is written for `unimargin start -c` */
  configFile: string
  stop: () => Promise<void>
}

/**
 * What a node process needs around it: three anvil chains mining every `blockTimeSeconds` on ports
 * `basePort`..`basePort + 2` (chain 3 routed over LayerZero), MarginHub's three co-signers in this process on
 * `basePort + 3`..`basePort + 5` (2 of 3 sign), and the node's config written to `<workDir>/config.json`.
 */
export async function startKillNetwork(parameters: { basePort: number; blockTimeSeconds: number; workDir: string; logger: Logger }): Promise<KillNetwork> {
  const { basePort, blockTimeSeconds, workDir, logger } = parameters
  const devnet = await startDevnet({ chains: 3, basePort, blockTimeSeconds, logger, routes: { [LAYERZERO_CHAIN_ID]: 'layerzero' } })
  let coSigners: LocalCoSigners
  try {
    coSigners = await startLocalCoSigners({
      config: devnet.config,
      keys: devnet.keys.coSigners,
      threshold: DEVNET_COSIGNER_THRESHOLD,
      logger,
      aggregatorPollMs: 100,
      basePort: basePort + 3,
    })
  } catch (error) {
    await devnet.stop()
    throw error
  }
  const configFile = join(workDir, 'config.json')
  writeFileSync(configFile, JSON.stringify(coSigners.config, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
  return {
    devnet,
    coSigners,
    config: coSigners.config,
    configFile,
    async stop() {
      await coSigners.stop()
      await devnet.stop()
    },
  }
}
