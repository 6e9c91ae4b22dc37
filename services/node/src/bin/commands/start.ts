import { type Command, Option } from 'commander'
import { createNodeLogger, type LogFormat } from '../../logger.js'
import { type NodeService, parseServices } from '../../runtime/services.js'
import { logFormatOption, port, seconds } from '../options.js'

type StartOptions = {
  config: string
  dataDir: string
  apiPort: number
  hostname?: string
  corsOrigin: string[]
  services: Record<NodeService, boolean>
  logLevel?: string
  logFormat?: LogFormat
  shutdownTimeout: number
  stallTimeout: number
  progress: boolean
  progressInterval?: number
}

/** `unimargin start`: the hub node (watchers, aggregator, relayer, API) from a configuration file. */
export function addStartCommand(program: Command): Command {
  return program
    .command('start')
    .description('Run watchers, aggregator, relayer and the HTTP API from a configuration file; on PostgreSQL, alongside other nodes (see README, Several nodes on one PostgreSQL).')
    .requiredOption('-c, --config <file>', 'configuration file: unimargin.config.ts or JSON (see README, Configuration)')
    .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set; the node id is kept beside it in <dir>.node-id unless the config sets node.id', '.unimargin/data')
    .option('--api-port <port>', 'HTTP API port', port, 8787)
    .option('--hostname <host>', 'interface the HTTP API listens on (0.0.0.0 for every interface; default: config api.hostname, else 127.0.0.1)')
    .option('--cors-origin <origin>', 'an origin browser apps may call the API from (https://app.example.org, or * for any); repeat for more; added to config api.corsOrigins', (v: string, all: string[]) => [...all, v], [] as string[])
    .option(
      '--services <list>',
      "comma-separated parts to run: watcher, aggregator, relayer, api. Several nodes may share one PostgreSQL (DATABASE_URL): each chain's watcher and the relayer key run on one node at a time under a lease, and another node takes over within about 8 s of its death; give each node its own node id",
      parseServices,
      parseServices('watcher,aggregator,relayer,api'),
    )
    .addOption(new Option('--log-level <level>', 'log level (default: LOG_LEVEL, else info)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .addOption(logFormatOption())
    .option('--shutdown-timeout <seconds>', 'on SIGINT/SIGTERM, exit after this long even if a part of the node (a hung RPC call) has not stopped; a second signal exits at once', seconds, 10)
    .option(
      '--stall-timeout <seconds>',
      'exit with 75 (EX_TEMPFAIL) when a round of a service (a watcher, the aggregator, the relayer) has run this long: a database connection or an RPC hung past every timeout. Run the node under a supervisor that restarts it: it resumes from its last commit, losing nothing. 0: never',
      seconds,
      300,
    )
    .option(
      '--progress-interval <seconds>',
      'seconds between progress updates: the live panel on a terminal (default 1), else one "Progress" log entry (default 30)',
      seconds,
    )
    .option('--no-progress', 'show no progress (neither the live panel nor the periodic log entries)')
    .action(async (options: StartOptions) => {
      const { loadConfigFile } = await import('@unimargin/chains')
      const { createDatabase } = await import('@unimargin/db')
      const { createProgressPanel, startProgress } = await import('../../progress/index.js')
      // on a terminal with readable logs: a live panel at the bottom, the log lines written above it
      const panel = options.progress && process.stdout.isTTY && options.logFormat !== 'json' ? createProgressPanel(process.stdout) : undefined
      const logger = createNodeLogger({ level: options.logLevel, format: options.logFormat, ...(panel ? { destination: panel.destination } : {}) })
      const config = await loadConfigFile(options.config)
      const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
      const { nodeIdFile, resolveNodeId } = await import('../../runtime/nodeId.js')
      const nodeId = resolveNodeId({ configured: config.node?.id, dataDir: options.dataDir })
      if (nodeId.source === 'generated') logger.info({ node_id: nodeId.id, file: nodeIdFile(options.dataDir) }, 'Generated the node id')
      const { watcher, aggregator, relayer, api } = options.services
      const { startNode } = await import('../../runtime/node.js')
      const { createWatchdog } = await import('@unimargin/lifecycle')
      const { ExitCode } = await import('../../exitCode.js')
      const watchdog =
        options.stallTimeout > 0
          ? createWatchdog({
              stallAfterMs: options.stallTimeout * 1000,
              onStall: (stall) => {
                logger.fatal({ loop: stall.name, elapsed_ms: stall.elapsedMs, stall_timeout_s: options.stallTimeout }, 'A service round never ended: exiting for a restart')
                logger.flush(() => process.exit(ExitCode.tryAgain))
              },
            })
          : undefined
      const node = await startNode({
        watchdog,
        config,
        db: database.db,
        logger,
        apiPort: api ? options.apiPort : undefined,
        apiHostname: options.hostname ?? config.api?.hostname ?? '127.0.0.1',
        apiCorsOrigins: [...(config.api?.corsOrigins ?? []), ...options.corsOrigin],
        services: { watchers: watcher, aggregator, relayer },
        nodeId: nodeId.id,
        // several nodes may share a PostgreSQL: each chain's watcher and the relayer key run on one of them at a time
        leases: database.kind === 'postgres' ? {} : undefined,
      })
      const progress = options.progress
        ? startProgress({ db: database.db, config, logger, panel, ...(options.progressInterval ? { intervalMs: options.progressInterval * 1000 } : {}) })
        : undefined
      let stopping = false
      const shutdown = async (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.warn({ signal }, 'Second signal: exiting now')
          process.exit(1)
        }
        stopping = true
        logger.info({ signal, deadline_s: options.shutdownTimeout }, 'Stopping node')
        const { stopWithin } = await import('../../runtime/shutdown.js')
        const { unfinished, failed } = await stopWithin(
          [...(progress ? [{ name: 'progress', stop: () => progress.stop().then(() => panel?.done()) }] : []), ...node.stopSteps(), { name: 'database', stop: () => database.close() }],
          options.shutdownTimeout * 1000,
          logger,
        )
        process.exit(unfinished.length > 0 || failed.length > 0 ? 1 : 0)
      }
      process.on('SIGINT', shutdown)
      process.on('SIGTERM', shutdown)
    })
}
