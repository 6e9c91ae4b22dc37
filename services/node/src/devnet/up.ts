import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config, MarginConfig } from '@unimargin/chains'
import { DEVNET_COSIGNER_THRESHOLD, type Devnet, startDevnet } from '@unimargin/devnet'
import type { Logger } from 'pino'
import { spawnLocalCoSigners } from '../runtime/cosignerProcesses.js'

export type DevnetUpParameters = {
  /** RPC port of the first chain; the others follow */
  basePort: number
  /** port of the first co-signer's API; the others follow */
  coSignerBasePort: number
  /** chain numbers (1-based) reached over LayerZero v2 instead of Wormhole */
  layerZeroChains: number[]
  /** where the devnet cache, the co-signers' files and `devnet.json` go */
  workDir: string
  /** the margin model of the generated configuration (default: the devnet's, `portfolio`) */
  marginMode?: MarginConfig['mode']
  logger: Logger
}

export type RunningDevnet = {
  /** the chains, their contracts and keys */
  devnet: Devnet
  /** the generated configuration, co-signer URLs included, as written to `configFile` */
  config: Config
  configFile: string
  stop: () => Promise<void>
}

/**
 * Starts the local network a node runs against, without the node: 3 anvil chains with the Wormhole core, LayerZero
 * EndpointV2/ULN302, tokens, feeds, vaults and MarginHub (from the cached state when the contracts did not change),
 * and the co-signer processes MarginHub needs, then writes the generated configuration to `<workDir>/devnet.json`
 * (`devnet: true`: anvil's public keys are literals there). `unimargin start -c <workDir>/devnet.json` then runs a
 * node on it.
 * @throws what `startDevnet` throws: a port taken (PortInUseError), anvil missing (AnvilStartError)
 */
export async function devnetUp(parameters: DevnetUpParameters): Promise<RunningDevnet> {
  const { workDir, logger } = parameters
  mkdirSync(workDir, { recursive: true })
  const routes = Object.fromEntries(parameters.layerZeroChains.map((i) => [31336 + i, 'layerzero' as const]))
  const devnet = await startDevnet({ chains: 3, basePort: parameters.basePort, blockTimeSeconds: 0.25, stateDir: join(workDir, 'devnet'), logger, routes })
  try {
    const config = parameters.marginMode ? { ...devnet.config, margin: { ...devnet.config.margin, mode: parameters.marginMode } } : devnet.config
    const coSigners = await spawnLocalCoSigners({
      config,
      keys: devnet.keys.coSigners,
      threshold: DEVNET_COSIGNER_THRESHOLD,
      workDir: join(workDir, 'cosigners'),
      basePort: parameters.coSignerBasePort,
    })
    const configFile = join(workDir, 'devnet.json')
    writeFileSync(configFile, JSON.stringify(coSigners.config, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
    return {
      devnet,
      config: coSigners.config,
      configFile,
      async stop() {
        await coSigners.stop()
        await devnet.stop()
      },
    }
  } catch (error) {
    await devnet.stop()
    throw error
  }
}

/** Resolves at the first SIGINT or SIGTERM (and stops listening for them). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve(signal)
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
  })
}
