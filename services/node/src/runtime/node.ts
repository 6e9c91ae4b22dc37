import { createAggregator, type LiveApiParameters, serveApi } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import { dashboardDir } from '@unimargin/dashboard'
import { createLeaseKeeper, type Db } from '@unimargin/db'
import type { Watchdog } from '@unimargin/lifecycle'
import { type Attester, createLocalGuardianAttester, createWormholescanAttester } from '@unimargin/protocol'
import { createRelayer } from '@unimargin/relayer'
import { createRegistrySupervisor, createWatcher, type RegistrySupervisor, type Watcher, watchedContracts } from '@unimargin/watcher'
import type { Logger } from 'pino'
import { createNodeRegistry } from './metrics.js'
import type { ShutdownStep } from './shutdown.js'

export type StartNodeParameters = {
  config: Config
  db: Db
  logger: Logger
  /** HTTP API port; `undefined` = no API server */
  apiPort?: number | undefined
  /** interface the API listens on (default config `api.hostname`, else 127.0.0.1) */
  apiHostname?: string
  /** origins browser apps may call the API from (CORS; default config `api.corsOrigins`, else none) */
  apiCorsOrigins?: readonly string[]
  /** the dashboard's built files the API serves under `/ui` (default: `@unimargin/dashboard`'s `dist/`) */
  dashboardDir?: string
  /** which services this node runs (default: all) */
  services?: { watchers?: boolean; aggregator?: boolean; relayer?: boolean }
  /** aggregator poll interval, ms */
  aggregatorPollMs?: number
  /**
   * the node's stable id, which the relayer claims commands under and whose leftover claims it releases on start
   * (see `resolveNodeId`); default config `node.id`, else the relayer's pid-based id, under which nothing is released
   */
  nodeId?: string | undefined
  /**
   * Lease the watchers (one per chain, `watcher:<chainId>`) and the relayer key (`relayer:<address>`) among the nodes
   * sharing the database, under `nodeId`: set it on PostgreSQL shared by several nodes. Each chain is then ingested,
   * and the key sends, on one node at a time, and a standby takes over within `ttlMs` (default 6 000) plus
   * `intervalMs` (default a quarter of it) of the holder's death. Absent: this node is the only one (PGlite).
   */
  leases?: { ttlMs?: number; intervalMs?: number } | undefined
  /** watches every service loop's rounds for one that never ends (see `createWatchdog`); default none */
  watchdog?: Watchdog | undefined
}

export type RunningNode = {
  /** one per chain; a vault joining from the VaultRegistry adds its watcher here */
  watchers: Watcher[]
  /** follows the VaultRegistry when the config names one */
  registry: RegistrySupervisor | undefined
  aggregator: ReturnType<typeof createAggregator> | undefined
  relayer: ReturnType<typeof createRelayer> | undefined
  apiUrl: string | undefined
  stop: () => Promise<void>
  /** the same stop as named steps, for a caller that bounds it in time (`stopWithin`) */
  stopSteps: () => ShutdownStep[]
}

/**
 * The attestation source from config: local guardian keys when present (devnet), else a Wormholescan-compatible
 * API. @throws Error when neither is configured.
 */
export function attesterFromConfig(config: Config): Attester {
  if (config.guardians.keys.length > 0)
    return createLocalGuardianAttester({ keys: config.guardians.keys, guardianSetIndex: config.guardians.setIndex })
  // A short wait per attempt: the relayer reschedules with its own backoff instead of blocking a worker.
  if (config.guardians.apiUrl) return createWormholescanAttester({ apiUrl: config.guardians.apiUrl, timeoutMs: 30_000 })
  throw new Error('No attestation source: set guardians.keys (local guardian set) or guardians.apiUrl (signed VAA API).')
}

/**
 * Starts the hub's services on one database: a watcher per chain (vault + every asset feed), the aggregator, the
 * relayer and the HTTP API. With `leases`, other nodes may run on the same PostgreSQL: each chain's watcher and the
 * relayer key work on one node at a time. `stop()` stops them in reverse order, waits for in-flight work and gives
 * the node's leases up.
 * @throws Error when `leases` is set without a node id.
 */
export async function startNode(parameters: StartNodeParameters): Promise<RunningNode> {
  const { config, db, logger } = parameters
  const enabled = { watchers: true, aggregator: true, relayer: true, ...parameters.services }
  const nodeId = parameters.nodeId ?? config.node?.id
  const { leases } = parameters
  if (leases && !nodeId) throw new Error('Leases need the node id (nodeId or config node.id): it names the holder.')
  const watcherOf = (chain: Config['chains'][number]): Watcher =>
    createWatcher({
      db,
      chain,
      logger,
      lease: leases
        ? createLeaseKeeper({
            db,
            name: `watcher:${chain.chainId}`,
            holder: nodeId!,
            ...leases,
            onAcquired: ({ takenFrom }) => logger.info({ service: 'watcher', chain_id: chain.chainId, taken_from: takenFrom }, 'Holding the chain\'s lease: this node ingests it'),
            onLost: ({ reason }) => logger.warn({ service: 'watcher', chain_id: chain.chainId, reason }, 'Lost the chain\'s lease: standing by'),
            onError: (error) => logger.warn({ service: 'watcher', chain_id: chain.chainId, err: (error as Error).message }, 'Failed to renew the chain\'s lease'),
          })
        : undefined,
      contracts: watchedContracts(config, chain),
      watchdog: parameters.watchdog,
    })
  const watchers = enabled.watchers ? config.chains.map(watcherOf) : []
  let stopping = false
  // vaults registered in the VaultRegistry join while the node runs: their chain enters the shared config, their watcher starts
  const vaultRegistry: RegistrySupervisor | undefined = config.registry
    ? createRegistrySupervisor({
        db,
        config,
        logger,
        watchdog: parameters.watchdog,
        ...(enabled.watchers
          ? {
              startWatcher: (chain: Config['chains'][number]) => {
                if (stopping) return
                const watcher = watcherOf(chain)
                watchers.push(watcher)
                watcher.start()
              },
            }
          : {}),
      })
    : undefined
  const aggregator = enabled.aggregator
    ? createAggregator({ db, config, logger, watchdog: parameters.watchdog, ...(parameters.aggregatorPollMs ? { pollIntervalMs: parameters.aggregatorPollMs } : {}) })
    : undefined
  const relayer = enabled.relayer
    ? createRelayer({ db, config, logger, watchdog: parameters.watchdog, attester: attesterFromConfig(config), ...(nodeId ? { id: nodeId } : {}), ...(leases ? { lease: leases } : {}) })
    : undefined
  const hostname = parameters.apiHostname ?? config.api?.hostname ?? '127.0.0.1'
  const corsOrigins = parameters.apiCorsOrigins ?? config.api?.corsOrigins ?? []
  // /metrics: the API's request metrics and the node's state, plus the watchers' and the relayer's where they run
  const registry = createNodeRegistry({ config, watchers: watchers.length > 0, relayer: relayer !== undefined })
  const server = parameters.apiPort !== undefined ? await serveApi({ db, config, logger, port: parameters.apiPort, hostname, corsOrigins, limits: config.api, live: liveViewsOf(config), registry, dashboardDir: parameters.dashboardDir ?? dashboardDir }) : undefined
  const apiUrl = server ? `http://${hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname}:${server.port}` : undefined

  for (const w of watchers) w.start()
  // joins the vaults registered so far before the aggregator's first round, then follows the registry
  if (vaultRegistry) {
    await vaultRegistry.poll().catch((error: unknown) => logger.warn({ service: 'registry', err: (error as Error).message }, 'Failed to read the registered vaults; retrying'))
    vaultRegistry.start()
  }
  aggregator?.start()
  relayer?.start()
  logger.info({ chains: config.chains.map((c) => c.chainId), api: apiUrl, node_id: nodeId, leases: leases !== undefined }, 'Started node')

  /** The parts of the node in the order they stop: the API, the relayer, the aggregator, then the watchers. */
  const stopSteps = (): ShutdownStep[] => [
    ...(server ? [{ name: 'api', stop: () => server.close() }] : []),
    ...(relayer ? [{ name: 'relayer', stop: () => relayer.stop() }] : []),
    ...(aggregator ? [{ name: 'aggregator', stop: () => aggregator.stop() }] : []),
    ...(vaultRegistry
      ? [
          {
            name: 'registry',
            stop: () => {
              stopping = true
              return vaultRegistry.stop()
            },
          },
        ]
      : []),
    { name: 'watchers', stop: () => Promise.all(watchers.map((w) => w.stop())).then(() => {}) },
  ]
  return {
    watchers,
    registry: vaultRegistry,
    aggregator,
    relayer,
    apiUrl,
    async stop() {
      for (const step of stopSteps()) await step.stop()
    },
    stopSteps,
  }
}

/** The API's account view cache as `api.views` configures it. */
function liveViewsOf(config: Config): LiveApiParameters {
  const views = config.api?.views
  return { maxViews: views?.maxEntries, warmViews: views?.warm, viewMaxAgeMs: views?.maxAgeMs, viewRefreshPerSecond: views?.refreshPerSecond, viewMaxStaleMs: views?.maxStaleMs }
}
