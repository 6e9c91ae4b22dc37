import { readFileSync } from 'node:fs'
import { defineConfig } from '@unimargin/chains'
import type { ReadyView } from '@unimargin/client'
import { createDatabase } from '@unimargin/db'
import { Command, InvalidArgumentError, Option } from 'commander'
import pino from 'pino'
import { addCoverageCommand } from './operator/backtestCoverage.js'
import { startNode } from './runtime/node.js'

const port = (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number (0-65535)')
  return n
}

export const program = new Command('unimargin').description('Cross-chain unified margin: hub node and local devnet.')

program
  .command('dev')
  .description('Boot 3 local chains, every service on embedded PGlite, and replay the FTX-week demo scenario.')
  .option('--pace <ms>', 'wall-clock milliseconds per replayed hour of prices', (v) => Number.parseInt(v, 10), 300)
  .option('--api-port <port>', 'HTTP API port', port, 8787)
  .option('--base-port <port>', 'RPC port of the first chain (the others follow)', port, 8545)
  .addOption(new Option('--margin-mode <mode>', 'margin model of the hub').choices(['portfolio', 'tiered', 'isolated', 'span', 'linear']).default('portfolio'))
  .option('--layerzero <chains>', 'comma-separated chain numbers (1-3) reached over LayerZero v2 instead of Wormhole; "none" for none', '3')
  .action(async (options: { pace: number; apiPort: number; basePort: number; marginMode: 'portfolio' | 'tiered' | 'isolated' | 'span' | 'linear'; layerzero: string }) => {
    const { runDemo } = await import('./demo/index.js')
    const layerZeroChains = options.layerzero === 'none' ? [] : options.layerzero.split(',').map((v) => Number.parseInt(v, 10))
    if (layerZeroChains.some((i) => !(i >= 1 && i <= 3))) throw new InvalidArgumentError('--layerzero takes chain numbers 1, 2 or 3')
    const code = await runDemo({ paceMs: options.pace, apiPort: options.apiPort, basePort: options.basePort, marginMode: options.marginMode, layerZeroChains })
    process.exit(code)
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
  .description('Run watchers, aggregator, relayer and the HTTP API from a configuration file.')
  .requiredOption('-c, --config <file>', 'configuration JSON (see README, Configuration)')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set; the node id is kept beside it in <dir>.node-id unless the config sets node.id', '.unimargin/data')
  .option('--api-port <port>', 'HTTP API port', port, 8787)
  .action(async (options: { config: string; dataDir: string; apiPort: number }) => {
    const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' })
    const config = defineConfig(JSON.parse(readFileSync(options.config, 'utf8')))
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    const { nodeIdFile, resolveNodeId } = await import('./runtime/nodeId.js')
    const nodeId = resolveNodeId({ configured: config.node?.id, dataDir: options.dataDir })
    if (nodeId.source === 'generated') logger.info({ node_id: nodeId.id, file: nodeIdFile(options.dataDir) }, 'Generated the node id')
    const node = await startNode({ config, db: database.db, logger, apiPort: options.apiPort, nodeId: nodeId.id })
    const shutdown = async () => {
      logger.info('Stopping node')
      await node.stop()
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
  .description("Print a running node's readiness: halted chains, chains whose head is stale, chains without a checkpoint, late events. Exits 1 when not ready.")
  .option('--api <url>', 'node API base URL', 'http://127.0.0.1:8787')
  .option('--json', 'print the /ready body as JSON')
  .action(async (options: { api: string; json?: boolean }) => {
    const { formatReadiness } = await import('./operator/status.js')
    const res = await fetch(new URL('/ready', options.api))
    const view = (await res.json()) as ReadyView
    console.log(options.json ? JSON.stringify(view, null, 2) : formatReadiness(view).join('\n'))
    if (!res.ok) process.exitCode = 1
  })

program
  .command('account')
  .description("Print an account's health, collateral, positions and withdrawable amounts from a running node.")
  .argument('<address>', 'account address (0x…)')
  .option('--api <url>', 'node API base URL', 'http://127.0.0.1:8787')
  .action(async (address: string, options: { api: string }) => {
    const res = await fetch(new URL(`/v1/accounts/${address}`, options.api))
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
      '(EndpointV2 burn, or clear when no later packet has executed), signed by the vault\'s delegate key from UNIMARGIN_DELEGATE_KEY.',
  )
  .argument('<id>', 'command id (0x…)')
  .requiredOption('-c, --config <file>', 'configuration JSON (chains, RPC URLs, LayerZero contracts)')
  .requiredOption('--reason <text>', 'why it is burnt (recorded in its history)')
  .option('--data-dir <dir>', 'PGlite data directory when DATABASE_URL is not set', '.unimargin/data')
  .action(async (id: string, options: { config: string; reason: string; dataDir: string }) => {
    const delegateKey = process.env.UNIMARGIN_DELEGATE_KEY
    if (!delegateKey || !/^0x[0-9a-fA-F]{64}$/.test(delegateKey)) {
      console.error("Set UNIMARGIN_DELEGATE_KEY to the private key of the vault's delegate on the endpoint (its owner); the relayer's key is not used.")
      process.exitCode = 1
      return
    }
    const { burnDeadPacket } = await import('./operator/burn.js')
    const config = defineConfig(JSON.parse(readFileSync(options.config, 'utf8')))
    const database = await createDatabase({ url: process.env.DATABASE_URL, dataDir: options.dataDir })
    try {
      const packets = await burnDeadPacket({ db: database.db, config, commandId: id, delegateKey: delegateKey as `0x${string}`, reason: options.reason })
      for (const p of packets) console.log(`nonce ${p.nonce}  ${p.action.padEnd(7)} ${p.tx ?? p.note ?? ''}`)
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
  .action(async (paths: string[], options: { json?: boolean }) => {
    const { checkPm2Cases, formatPm2Check, pm2CheckJson } = await import('./operator/pm2Check.js')
    const report = checkPm2Cases(paths)
    console.log(options.json ? JSON.stringify(pm2CheckJson(report), null, 2) : formatPm2Check(report).join('\n'))
    if (!report.ok) process.exitCode = 1
  })
