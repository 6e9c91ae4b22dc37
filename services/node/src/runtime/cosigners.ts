import type { Config } from '@unimargin/chains'
import { type RunningCoSigner, startCoSigner } from '@unimargin/cosigner'
import { createDatabase, type Database } from '@unimargin/db'
import type { Logger } from 'pino'
import type { Hex } from 'viem'

export type StartLocalCoSignersParameters = {
  /** the network's config; each co-signer gets a copy with its own key */
  config: Config
  /** one co-signer per key (the hub's registered co-signers) */
  keys: readonly Hex[]
  /** signatures the hub needs, written into the returned config's `coSigners.threshold` */
  threshold: number
  logger: Logger
  /** PGlite data directory per co-signer (index i → `dataDirs[i]`); default in memory */
  dataDirs?: readonly string[]
  /** tolerance of their checks, bps (default 100) */
  toleranceBps?: number
  /** aggregator poll interval of each co-signer, ms */
  aggregatorPollMs?: number
  /** HTTP port of co-signer 0, the others following it; default a free port each */
  basePort?: number
}

export type LocalCoSigners = {
  /** `config` with `coSigners` pointing at the started co-signers */
  config: Config
  coSigners: RunningCoSigner[]
  /** stops the co-signer with index `i` (a co-signer that went away); the others keep signing */
  stopOne(i: number): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts one co-signer process per key on this machine (devnet, demo, tests), each on its own database, and returns
 * the hub's config extended with their URLs. Production co-signers run `unimargin cosign` on their own hosts.
 */
export async function startLocalCoSigners(parameters: StartLocalCoSignersParameters): Promise<LocalCoSigners> {
  const { config, keys, threshold, logger } = parameters
  const databases: Database[] = []
  const running: (RunningCoSigner | undefined)[] = []
  try {
    for (const [i, key] of keys.entries()) {
      const database = await createDatabase({ dataDir: parameters.dataDirs?.[i] })
      databases.push(database)
      const own: Config = { ...config, coSigners: undefined, coSigner: { privateKey: key, toleranceBps: parameters.toleranceBps ?? 100 } }
      running.push(await startCoSigner({ config: own, db: database.db, logger, port: parameters.basePort === undefined ? 0 : parameters.basePort + i, aggregatorPollMs: parameters.aggregatorPollMs }))
    }
  } catch (error) {
    await Promise.all(running.map((r) => r?.stop()))
    await Promise.all(databases.map((d) => d.close()))
    throw error
  }
  const stopOne = async (i: number) => {
    const r = running[i]
    running[i] = undefined
    await r?.stop()
  }
  return {
    config: { ...config, coSigners: { urls: running.map((r) => r!.url), threshold, timeoutMs: 10_000 } },
    coSigners: running.filter((r): r is RunningCoSigner => r !== undefined),
    stopOne,
    async stop() {
      await Promise.all(running.map((_, i) => stopOne(i)))
      await Promise.all(databases.map((d) => d.close()))
    },
  }
}
