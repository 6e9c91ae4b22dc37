import { serve } from '@hono/node-server'
import { createAggregator } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { createRegistrySupervisor, createWatcher, watchedContracts } from '@unimargin/watcher'
import type { Logger } from 'pino'
import { privateKeyToAccount } from 'viem/accounts'
import { createCoSignerApp } from './app.js'

export type StartCoSignerParameters = {
  /** the co-signer's own config: its RPC providers (`chains[].rpcUrl`) and `coSigner.privateKey` */
  config: Config
  /** the co-signer's own database (never the hub's) */
  db: Db
  logger: Logger
  /** HTTP port (0 = any free one) */
  port: number
  /** aggregator poll interval, ms */
  aggregatorPollMs?: number
}

export type RunningCoSigner = {
  /** base URL of its API, e.g. `http://127.0.0.1:8801` */
  url: string
  /** the co-signer's address */
  signer: `0x${string}`
  stop: () => Promise<void>
}

/**
 * Starts a co-signer: a watcher per chain (vault and feeds; the VaultRegistry on the hub chain, whose registered
 * vaults join while it runs, as on a node) on its own RPC providers, the aggregator's ingestion and
 * valuation on its own database, and its HTTP API ({@link createCoSignerApp}). It never reads the hub's database
 * and sends no transactions.
 * @throws Error when the config has no `coSigner` section.
 */
export async function startCoSigner(parameters: StartCoSignerParameters): Promise<RunningCoSigner> {
  const { config, db } = parameters
  if (!config.coSigner) throw new Error('No coSigner section in the config: a co-signer needs its key (coSigner.privateKey).')
  const account = privateKeyToAccount(config.coSigner.privateKey)
  const logger = parameters.logger.child({ role: 'cosigner', signer: account.address })
  const watcherOf = (chain: Config['chains'][number]) => createWatcher({ db, chain, logger, contracts: watchedContracts(config, chain) })
  const watchers = config.chains.map(watcherOf)
  let stopping = false
  // vaults registered in the hub chain's VaultRegistry join from the co-signer's own view of the registry's events
  const registry = config.registry
    ? createRegistrySupervisor({
        db,
        config,
        logger,
        startWatcher: (chain) => {
          if (stopping) return
          const watcher = watcherOf(chain)
          watchers.push(watcher)
          watcher.start()
        },
      })
    : undefined
  const aggregator = createAggregator({ db, config, logger, ...(parameters.aggregatorPollMs ? { pollIntervalMs: parameters.aggregatorPollMs } : {}) })
  const app = createCoSignerApp({ db, config, account, logger, toleranceBps: config.coSigner.toleranceBps })
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: parameters.port, hostname: '127.0.0.1' }, () => resolve(s))
    s.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : parameters.port
  for (const w of watchers) w.start()
  if (registry) {
    await registry.poll().catch((error: unknown) => logger.warn({ service: 'registry', err: (error as Error).message }, 'Failed to read the registered vaults; retrying'))
    registry.start()
  }
  aggregator.start()
  const url = `http://127.0.0.1:${port}`
  logger.info({ url }, 'Started co-signer')
  return {
    url,
    signer: account.address,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await aggregator.stop()
      stopping = true
      await registry?.stop()
      await Promise.all(watchers.map((w) => w.stop()))
    },
  }
}
