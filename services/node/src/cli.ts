import { readFileSync } from 'node:fs'
import { loadConfigFile } from '@unimargin/chains'
import type { NodeStatusView, ReadyView } from '@unimargin/client'
import { createDatabase } from '@unimargin/db'
import { Command, InvalidArgumentError, Option } from 'commander'
import { createNodeLogger, type LogFormat } from './logger.js'
import { addCoverageCommand } from './operator/backtestCoverage.js'
import type { RouteStatusView } from './operator/status.js'
import { type NodeService, parseServices } from './runtime/services.js'
import { startNode } from './runtime/node.js'

const seconds = (value: string) => {
  const n = Number(value)
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number of seconds')
  return n
}

const port = (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number (0-65535)')
  return n
}

/** `--layerzero 2,3`: chain numbers 1-3, or `none`. */
const parseLayerZeroChains = (value: string): number[] => {
  if (value === 'none') return []
  const chains = value.split(',').map((v) => Number(v.trim()))
  if (chains.some((i) => !(Number.isInteger(i) && i >= 1 && i <= 3))) throw new InvalidArgumentError('takes chain numbers 1, 2 or 3, comma-separated, or "none"')
  return chains
}

/** `--log-format`: pretty lines on a terminal, JSON elsewhere unless asked (see logger.ts). */
const logFormatOption = () => new Option('--log-format <format>', 'pretty (readable lines; default on a terminal) or json (default otherwise)').choices(['pretty', 'json'])

export const program = new Command('unimargin').description('Cross-chain unified margin: hub node and local devnet.')
// usage errors throw (bin.ts maps them to exit code 64) instead of exiting 1 from inside commander; subcommands
// inherit this from the program they are added to
program.exitOverride()
program.version((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version)

program
  .command('dev')
  .description('Boot 3 local chains, every service on embedded PGlite, and replay the FTX-week demo scenario.')
  .option('--pace <ms>', 'wall-clock milliseconds per replayed hour of prices', (v) => Number.parseInt(v, 10), 300)
  .option('--api-port <port>', 'HTTP API port', port, 8787)
  .option('--base-port <port>', 'RPC port of the first chain (the others follow)', port, 8545)
  .addOption(new Option('--margin-mode <mode>', 'margin model of the hub').choices(['portfolio', 'tiered', 'isolated', 'span', 'linear']).default('portfolio'))
  .option('--layerzero <chains>', 'comma-separated chain numbers (1-3) reached over LayerZero v2 instead of Wormhole; "none" for none', parseLayerZeroChains, [3])
  .option('--keep-running', 'after the scenario, keep the chains, co-signers and node up (for status, account, the API) until Ctrl-C')
  .action(
    async (options: { pace: number; apiPort: number; basePort: number; marginMode: 'portfolio' | 'tiered' | 'isolated' | 'span' | 'linear'; layerzero: number[]; keepRunning?: boolean }) => {
      const { runDemo } = await import('./demo/index.js')
      const code = await runDemo({
        paceMs: options.pace,
        apiPort: options.apiPort,
        basePort: options.basePort,
        marginMode: options.marginMode,
        layerZeroChains: options.layerzero,
        keepRunning: options.keepRunning ?? false,
      })
      process.exit(code)
    },
  )

const devnetCmd = program.command('devnet').description('The local devnet on its own.')
devnetCmd
  .command('up')
  .description(
    'Start 3 anvil chains with every contract deployed and the co-signer processes, write the generated configuration, and keep them up until Ctrl-C; run a node on it with `unimargin start -c <work-dir>/devnet.json`.',
  )
  .option('--base-port <port>', 'RPC port of the first chain (the others follow)', port, 8545)
  .option('--cosigner-port <port>', "the first co-signer's API port (the others follow)", port, 8788)
  .option('--layerzero <chains>', 'comma-separated chain numbers (1-3) reached over LayerZero v2 instead of Wormhole; "none" for none', parseLayerZeroChains, [3])
  .option('--work-dir <dir>', 'where the devnet cache, co-signer files and devnet.json go', '.unimargin')
  .action(async (options: { basePort: number; cosignerPort: number; layerzero: number[]; workDir: string }) => {
    const { devnetUp, untilSignal } = await import('./devnet/up.js')
    const logger = createNodeLogger({ level: process.env.LOG_LEVEL ?? 'warn' })
    const network = await devnetUp({ basePort: options.basePort, coSignerBasePort: options.cosignerPort, layerZeroChains: options.layerzero, workDir: options.workDir, logger })
    for (const c of network.devnet.chains) console.log(`chain ${c.name} (id ${c.chainId}): ${c.rpcUrl}`)
    console.log(`co-signers: ${(network.config.coSigners?.urls ?? []).join(', ')}`)
    console.log(`configuration: ${network.configFile}`)
    console.log(`Devnet up. Run a node on it: unimargin start -c ${network.configFile}. Ctrl-C stops the chains and co-signers.`)
    await untilSignal()
    await network.stop()
    console.log('Devnet stopped.')
  })

program
  .command('stress')
  .description('Replay the real crash windows on sample books under each margin mode: table, JSON and one SVG chart per window.')
  .option('--windows-dir <dir>', 'folder of crash-window CSVs', '../shared/data/prices/crash_windows')
  .option('--window <names>', 'comma-separated parts of window names to run (default all)')
  .option('--out <dir>', 'where the charts and stress.json go', '.unimargin/stress')
  .option('--cascade', 'also replay a seeded population whose liquidations move the price (square-root impact), with and without that feedback')
  .option('--population <n>', 'accounts in the cascade population', (v) => Number.parseInt(v, 10), 300)
  .option('--seed <n>', 'seed of the cascade population', (v) => Number.parseInt(v, 10), 1)
  .action(async (options: { windowsDir: string; window?: string; out: string; cascade?: boolean; population: number; seed: number }) => {
    const backtest = await import('@unimargin/backtest')
    const { default: Table } = await import('cli-table3')
    const cascade = options.cascade ? { population: { size: options.population, seed: options.seed } } : undefined
    const report = await backtest.runStressSuite({ windowsDir: options.windowsDir, windows: options.window?.split(','), outDir: options.out, cascade })
    const modes = ['portfolio', 'tiered', 'isolated'] as const
    const print = (head: string[], rows: string[][]) => {
      const table = new Table({ head })
      table.push(...rows)
      console.log(table.toString())
    }
    print(backtest.STRESS_TABLE_HEAD, backtest.stressTableRows(report.runs))
    console.log('Capital required (smallest USDC deposit that opens the book at t0; see packages/backtest/README.md):')
    print(backtest.capitalTableHead(modes), backtest.capitalTableRows(report.capital, modes))
    if (report.cascades.length > 0) print(backtest.CASCADE_TABLE_HEAD, backtest.cascadeTableRows(report.cascades))
    for (const w of report.warnings) console.log(`⚠ ${w}`)
    console.log(`Charts: ${report.charts.join(', ')}\nRuns: ${options.out}/stress.json`)
  })

addCoverageCommand(program.command('backtest').description('Backtests of the margin models on the shared price history.'))

program
  .command('start')
  .description('Run watchers, aggregator, relayer and the HTTP API from a configuration file; on PostgreSQL, alongside other nodes (see README, Several nodes on one PostgreSQL).')
  .requiredOption('-c, --config <file>', 'configuration file: unimargin.config.ts or JSON (see README, Configuration)')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set; the node id is kept beside it in <dir>.node-id unless the config sets node.id', '.unimargin/data')
  .option('--api-port <port>', 'HTTP API port', port, 8787)
  .option('--hostname <host>', 'interface the HTTP API listens on (0.0.0.0 for every interface)', '127.0.0.1')
  .option('--services <list>', 'comma-separated parts to run: watcher, aggregator, relayer, api. Several nodes may share one PostgreSQL (DATABASE_URL): each chain\'s watcher and the relayer key run on one node at a time under a lease, and another node takes over within about 8 s of its death; give each node its own node id', parseServices, parseServices('watcher,aggregator,relayer,api'))
  .addOption(new Option('--log-level <level>', 'log level (default: LOG_LEVEL, else info)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
  .addOption(logFormatOption())
  .option('--shutdown-timeout <seconds>', 'on SIGINT/SIGTERM, exit after this long even if a part of the node (a hung RPC call) has not stopped; a second signal exits at once', seconds, 10)
  .action(
    async (options: { config: string; dataDir: string; apiPort: number; hostname: string; services: Record<NodeService, boolean>; logLevel?: string; logFormat?: LogFormat; shutdownTimeout: number }) => {
    const logger = createNodeLogger({ level: options.logLevel, format: options.logFormat })
    const config = await loadConfigFile(options.config)
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    const { nodeIdFile, resolveNodeId } = await import('./runtime/nodeId.js')
    const nodeId = resolveNodeId({ configured: config.node?.id, dataDir: options.dataDir })
    if (nodeId.source === 'generated') logger.info({ node_id: nodeId.id, file: nodeIdFile(options.dataDir) }, 'Generated the node id')
    const { watcher, aggregator, relayer, api } = options.services
    const node = await startNode({
      config,
      db: database.db,
      logger,
      apiPort: api ? options.apiPort : undefined,
      apiHostname: options.hostname,
      services: { watchers: watcher, aggregator, relayer },
      nodeId: nodeId.id,
      // several nodes may share a PostgreSQL: each chain's watcher and the relayer key run on one of them at a time
      leases: database.kind === 'postgres' ? {} : undefined,
    })
    let stopping = false
    const shutdown = async (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'Second signal: exiting now')
        process.exit(1)
      }
      stopping = true
      logger.info({ signal, deadline_s: options.shutdownTimeout }, 'Stopping node')
      const { stopWithin } = await import('./runtime/shutdown.js')
      const { unfinished, failed } = await stopWithin(
        [...node.stopSteps(), { name: 'database', stop: () => database.close() }],
        options.shutdownTimeout * 1000,
        logger,
      )
      process.exit(unfinished.length > 0 || failed.length > 0 ? 1 : 0)
    }
    process.on('SIGINT', shutdown)
    process.on('SIGTERM', shutdown)
  })

program
  .command('cosign')
  .description(
    "Run a MarginHub co-signer: its own watchers, valuation and database, signing only the hub's commands its own view of the chains supports (POST /v1/cosign).",
  )
  .requiredOption('-c, --config <file>', "the co-signer's own configuration file (unimargin.config.ts or JSON): its RPC providers and coSigner.privateKey (see README, Co-signers)")
  .option('--database-url <url>', "the co-signer's own PostgreSQL (never the hub's); default PGlite in --data-dir")
  .option('--data-dir <dir>', 'PGlite data directory when --database-url is not given', '.unimargin/cosigner')
  .option('--port <port>', 'HTTP port', port, 8801)
  .addOption(logFormatOption())
  .action(async (options: { config: string; databaseUrl?: string; dataDir: string; port: number; logFormat?: LogFormat }) => {
    const { startCoSigner } = await import('@unimargin/cosigner')
    const logger = createNodeLogger({ format: options.logFormat })
    const config = await loadConfigFile(options.config)
    const database = await createDatabase({ url: options.databaseUrl, dataDir: options.dataDir })
    const coSigner = await startCoSigner({ config, db: database.db, logger, port: options.port })
    logger.info({ url: coSigner.url, signer: coSigner.signer }, 'Co-signer ready')
    const shutdown = async () => {
      await coSigner.stop()
      await database.close()
      process.exit(0)
    }
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
  })

program
  .command('migrate')
  .description('Apply database migrations (PostgreSQL with DATABASE_URL, else PGlite in --data-dir).')
  .option('--data-dir <dir>', 'PGlite data directory', '.unimargin/data')
  .action(async (options: { dataDir: string }) => {
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    await database.close()
    console.log(`Migrated the ${database.kind} database.`)
  })

program
  .command('status')
  .description(
    "Print a running node's readiness (halted chains, stale heads, chains without a checkpoint, late events), which node holds each lease when nodes share a PostgreSQL, then per chain its finality, head, checkpoint and lag, the outbox by state and the routes' latency and traffic. Exits 1 when not ready.",
  )
  .option('--api <url>', 'node API base URL', 'http://127.0.0.1:8787')
  .option('--json', 'print { ready, status, routes } as JSON')
  .action(async (options: { api: string; json?: boolean }) => {
    const { formatLeases, formatReadiness, formatStatus } = await import('./operator/status.js')
    const { fetchNode } = await import('./operator/nodeApi.js')
    const res = await fetchNode(options.api, '/ready')
    const ready = (await res.json()) as ReadyView
    const status = (await (await fetchNode(options.api, '/v1/status')).json()) as NodeStatusView
    const { routes } = (await (await fetchNode(options.api, '/v1/routes')).json()) as { routes: RouteStatusView[] }
    console.log(
      options.json ? JSON.stringify({ ready, status, routes }, null, 2) : [...formatReadiness(ready), ...formatLeases(ready), ...formatStatus(status, routes)].join('\n'),
    )
    if (!res.ok) process.exitCode = 1
  })

program
  .command('account')
  .description("Print an account's health, collateral, positions and withdrawable amounts from a running node.")
  .argument('<address>', 'account address (0x…)')
  .option('--api <url>', 'node API base URL', 'http://127.0.0.1:8787')
  .action(async (address: string, options: { api: string }) => {
    const { fetchNode } = await import('./operator/nodeApi.js')
    const res = await fetchNode(options.api, `/v1/accounts/${address}`)
    console.log(JSON.stringify(await res.json(), null, 2))
    if (!res.ok) process.exitCode = 1
  })

program
  .command('escape')
  .description('Escape hatch: exit arguments stored with the hub\'s checkpoints (uses DATABASE_URL or --data-dir).')
  .command('proof')
  .description('Print, per vault and asset, the account\'s MarginVault.claimEscape arguments and Merkle proof under the newest checkpoint.')
  .argument('<account>', 'account address (0x…)')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .option('--json', 'print the claims as JSON (the shape of GET /v1/accounts/:address/escape)')
  .action(async (account: string, options: { dataDir: string; json?: boolean }) => {
    const { isAddress, getAddress } = await import('viem')
    if (!isAddress(account, { strict: false })) throw new InvalidArgumentError(`${account} is not a 20-byte 0x address`)
    const { loadEscapeClaims } = await import('@unimargin/aggregator')
    const { escapeClaimJson, formatEscapeClaims } = await import('./operator/escape.js')
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      const claims = await loadEscapeClaims(database.db, getAddress(account))
      console.log(options.json ? JSON.stringify({ account: getAddress(account), claims: claims.map(escapeClaimJson) }, null, 2) : formatEscapeClaims(getAddress(account), claims).join('\n'))
    } finally {
      await database.close()
    }
  })

const commandsCmd = program.command('commands').description('Inspect, retry and burn outbox commands (operator; uses DATABASE_URL or --data-dir).')
commandsCmd
  .command('list')
  .description('List commands by state, newest first.')
  .option('--state <states>', 'comma-separated states', 'dead,failed')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .action(async (options: { state: string; dataDir: string }) => {
    const { listCommands } = await import('./operator/commands.js')
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      const rows = await listCommands(database.db, options.state.split(',').map((s) => s.trim()))
      if (rows.length === 0) console.log(`No commands in state ${options.state}.`)
      for (const r of rows)
        console.log(`${r.id}  ${r.kind.padEnd(17)} chain ${r.destChainId}  ${r.state.padEnd(8)} attempts ${r.attempts}  ${r.lastError ?? ''}`)
    } finally {
      await database.close()
    }
  })
commandsCmd
  .command('retry')
  .description('Put a dead-lettered command back in the relayer queue.')
  .argument('<id>', 'command id (0x…)')
  .requiredOption('--reason <text>', 'why it is retried (recorded in its history)')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .action(async (id: string, options: { reason: string; dataDir: string }) => {
    const { retryDeadCommand } = await import('./operator/commands.js')
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      await retryDeadCommand(database.db, id, options.reason)
      console.log(`Command ${id} is queued again.`)
    } finally {
      await database.close()
    }
  })
commandsCmd
  .command('burn')
  .description(
    "Remove a dead-lettered command's verified LayerZero packets from the destination endpoint so they can never execute " +
      '(EndpointV2 burn, or clear when no later packet has executed), signed by the vault\'s delegate key from UNIMARGIN_DELEGATE_KEY. ' +
      'When the delegate is the vault\'s timelock, that key must be its proposer: the first run schedules the removal, a run after the delay executes it.',
  )
  .argument('<id>', 'command id (0x…)')
  .requiredOption('-c, --config <file>', 'configuration file, unimargin.config.ts or JSON (chains, RPC URLs, LayerZero contracts)')
  .requiredOption('--reason <text>', 'why it is burnt (recorded in its history)')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .action(async (id: string, options: { config: string; reason: string; dataDir: string }) => {
    const delegateKey = process.env.UNIMARGIN_DELEGATE_KEY
    if (!delegateKey || !/^0x[0-9a-fA-F]{64}$/.test(delegateKey)) {
      console.error("Set UNIMARGIN_DELEGATE_KEY to the private key of the vault's delegate on the endpoint, or of its timelock's proposer; the relayer's key is not used.")
      process.exitCode = 1
      return
    }
    const { burnDeadPacket } = await import('./operator/burn.js')
    const config = await loadConfigFile(options.config)
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      const packets = await burnDeadPacket({ db: database.db, config, commandId: id, delegateKey: delegateKey as `0x${string}`, reason: options.reason })
      for (const p of packets)
        console.log(
          p.action === 'scheduled'
            ? `nonce ${p.nonce}  scheduled ${p.note} (tx ${p.tx}); run again from ${new Date(Number(p.readyAt) * 1000).toISOString()}`
            : `nonce ${p.nonce}  ${p.action.padEnd(7)} ${p.tx ?? p.note ?? ''}`,
        )
    } finally {
      await database.close()
    }
  })

program
  .command('rebuild')
  .description(
    'Rebuild the derived state (accounts, balances, withdrawals, positions, prices, liquidations, the outbox…) from the recorded inputs into a scratch database ' +
      'with the aggregator\'s own code, and compare it with the live one row by row (uses DATABASE_URL or --data-dir). Exits 0 only when equal.',
  )
  .option('--verify', 'compare with the live database and print the differences (required: the live database is never written)')
  .requiredOption('-c, --config <file>', 'configuration file (unimargin.config.ts or JSON) the node runs with')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .option('--json', 'print the verification as JSON')
  .action(async (options: { verify?: boolean; config: string; dataDir: string; json?: boolean }) => {
    if (!options.verify) throw new InvalidArgumentError('rebuild only verifies: pass --verify (chains resume rebuilds in place after a reorg)')
    const { verifyRebuild } = await import('@unimargin/aggregator')
    const { formatVerification, verificationJson } = await import('./operator/rebuild.js')
    const config = await loadConfigFile(options.config)
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      const result = await verifyRebuild(database.db, config)
      console.log(options.json ? JSON.stringify(verificationJson(result), null, 2) : formatVerification(result).join('\n'))
      if (!result.equal) process.exitCode = 1
    } finally {
      await database.close()
    }
  })

const chainsCmd = program.command('chains').description("Chains the hub watches: checkpoints, halts, and resuming a chain halted by a reorg (operator; uses DATABASE_URL or --data-dir).")
chainsCmd
  .command('list')
  .description('List every configured chain: id, name, watcher checkpoint, last seen head, halt reason.')
  .requiredOption('-c, --config <file>', 'configuration file (unimargin.config.ts or JSON) the node runs with')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .option('--json', 'print the chains as JSON')
  .action(async (options: { config: string; dataDir: string; json?: boolean }) => {
    const { listChains } = await import('./operator/chains.js')
    const { formatChains, toJson } = await import('./operator/rebuild.js')
    const config = await loadConfigFile(options.config)
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      const chains = await listChains(database.db, config)
      console.log(options.json ? toJson(chains) : formatChains(chains).join('\n'))
    } finally {
      await database.close()
    }
  })
chainsCmd
  .command('resume')
  .description(
    'After review, bring back a chain halted by a reorg beyond its finality, in one transaction: find the fork point, remove the orphaned chain events ' +
      '(kept in reorg_removals), rebuild the derived state from the remaining inputs (commands already sent are kept), move the checkpoint before the fork and clear the halt. ' +
      'Restart the node afterwards.',
  )
  .argument('<chainId>', 'EVM chain id', (v) => {
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive chain id')
    return n
  })
  .requiredOption('-c, --config <file>', 'configuration file (unimargin.config.ts or JSON) the node runs with (the chain\'s RPC URLs)')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .option('--force', 'resume a chain that is not halted (re-checks its stored blocks and rebuilds all the same)')
  .option('--reason <text>', 'recorded with every removed row (default: the halt reason)')
  .option('--json', 'print the result as JSON')
  .action(async (chainId: number, options: { config: string; dataDir: string; force?: boolean; reason?: string; json?: boolean }) => {
    const { resumeChain } = await import('./operator/chains.js')
    const { formatResume, toJson } = await import('./operator/rebuild.js')
    const config = await loadConfigFile(options.config)
    if (!config.chains.some((c) => c.chainId === chainId)) throw new InvalidArgumentError(`chain ${chainId} is not in ${options.config}`)
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      const result = await resumeChain({ db: database.db, config, chainId, force: options.force, reason: options.reason })
      console.log(options.json ? toJson(result) : formatResume(result).join('\n'))
    } finally {
      await database.close()
    }
  })

const pm2Cmd = program.command('pm2').description("Derive's PMRM_2 portfolio margin (the `derive` mode of @unimargin/risk).")
pm2Cmd
  .command('check')
  .description("Margin Derive-format PMRM_2 case files and compare MM, IM and every scenario loss with each file's Result (1e-8 relative). Exits 1 when a case is off or unreadable.")
  .argument('<paths...>', 'case files, or directories whose *.json are all checked')
  .option('--json', 'print the report as JSON')
  .option('--all-exact', 'compute every scenario loss in fixed point (default: only those that can be the worst)')
  .action(async (paths: string[], options: { json?: boolean; allExact?: boolean }) => {
    const { checkPm2Cases, formatPm2Check, pm2CheckJson } = await import('./operator/pm2Check.js')
    const report = checkPm2Cases(paths, undefined, { exactScenarios: options.allExact ? 'all' : 'worst' })
    console.log(options.json ? JSON.stringify(pm2CheckJson(report), null, 2) : formatPm2Check(report).join('\n'))
    if (!report.ok) process.exitCode = 1
  })
