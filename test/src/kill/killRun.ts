import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MarginVault } from '@unimargin/contracts'
import { chainCheckpoints, chainEvents, commands, createDatabase, createFreshPostgres, type Database, type FreshPostgres, isNull, liquidations, withdrawals } from '@unimargin/db'
import type { Devnet } from '@unimargin/devnet'
import pino from 'pino'
import { privateKeyToAddress } from 'viem/accounts'
import { type FinalCheck, finalChecks, runFinalChecks } from './checks.js'
import { waitForMoment } from './moments.js'
import { type KillNetwork, startKillNetwork } from './network.js'
import { launchNode, type NodeExit, type NodeProcess, type NodeProcessOptions, untilHealthy } from './nodeProcess.js'
import { type KillMode, type Plan, planOf } from './plan.js'
import { Scenario } from './scenario.js'

/** `--shutdown-timeout` of every node, seconds: a SIGTERM must end the node with exit code 0 within it. */
export const SHUTDOWN_TIMEOUT_SECONDS = 15
/** How long a node may take to answer `/health` after it is spawned on a loaded machine (a start costs seconds of CPU), ms. */
const START_TIMEOUT_MS = 300_000
/** How long the scenario may take to drain once the kills are over, ms. */
const DRAIN_TIMEOUT_MS = 240_000
/** Interval mining of the devnet's chains, seconds. */
const BLOCK_TIME_SECONDS = 0.5

export type KillRunOptions = {
  seed: number
  /** rounds, each ending its node with a SIGKILL (or, one in eight, a SIGTERM) */
  kills: number
  /** PostgreSQL server URL (a fresh database is made on it); absent = PGlite in a data directory */
  postgresUrl?: string | undefined
  /** first of the ports this run uses: anvils at basePort..+2, co-signers at +3..+5 */
  basePort: number
  /**
   * the node's API port: below Linux's ephemeral range (32768-60999), so that no outgoing connection of a busy
   * machine (a database pool's, held for minutes) can hold it while the node restarts
   */
  apiPort: number
  /** more checks to hold the run to, after {@link finalChecks} */
  extraChecks?: readonly FinalCheck[]
  /** progress lines (one per round) */
  progress?: (line: string) => void
}

/** How one round's node ended. */
export type KillRecord = { round: number; mode: KillMode; aimedAt: boolean | undefined; exit: NodeExit; stopMs?: number }

export type KillRunResult = {
  plan: Plan
  kills: KillRecord[]
  /** checks that found violations, with every violation */
  failures: { name: string; problems: string[] }[]
  /** what the scenario and the hub did */
  summary: Record<string, unknown>
  /** every node run's output */
  logFile: string
}

/** A node process exited on its own, or a SIGTERM did not end it with exit code 0. */
export class NodeRunError extends Error {
  override name = 'NodeRunError'
}

/**
 * The kill test: a seeded scenario (deposits, cross-chain withdrawals, withdrawals above the two-transport threshold,
 * venue positions, ETH crashes and the liquidations they cause) on a three-chain devnet (chain 3 reached over
 * LayerZero, chains 1 and 2 over Wormhole; 2-of-3 co-signers in this process), with the node as a separate
 * `unimargin start` process on one database (a PGlite data dir, or PostgreSQL) that is killed at the end of each of
 * the plan's rounds (see {@link KillMode}) and started again. Then the scenario drains under a last node, which is
 * stopped with SIGTERM, and the final checks run on its database.
 * @returns the kills, the checks that failed (empty when the node lost and doubled nothing) and a summary.
 * @throws {NodeRunError} when a node exits by itself, does not start within {@link START_TIMEOUT_MS}, or a SIGTERM
 *   does not end it with code 0; Error when the scenario does not drain in time.
 */
export async function runKillScenario(options: KillRunOptions): Promise<KillRunResult> {
  const plan = planOf(options.seed, options.kills)
  const progress = options.progress ?? (() => {})
  const workDir = mkdtempSync(join(tmpdir(), 'unimargin-kill-'))
  const logFile = join(workDir, 'node.log')
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
  let network: KillNetwork | undefined
  let fresh: FreshPostgres | undefined
  let node: NodeProcess | undefined
  try {
    network = await startKillNetwork({ basePort: options.basePort, blockTimeSeconds: BLOCK_TIME_SECONDS, workDir, logger })
    const { devnet, coSigners, configFile } = network
    if (options.postgresUrl) fresh = await createFreshPostgres(options.postgresUrl)
    const nodeOptions: NodeProcessOptions = {
      configFile,
      dataDir: join(workDir, 'data'),
      databaseUrl: fresh?.url,
      apiPort: options.apiPort,
      shutdownTimeoutSeconds: SHUTDOWN_TIMEOUT_SECONDS,
      logFile,
    }
    const scenario = new Scenario(devnet, plan.seed, plan.traders, `http://127.0.0.1:${nodeOptions.apiPort}`, coSigners.coSigners.map((c) => c.url))
    await scenario.setUp()
    const relayer = privateKeyToAddress(devnet.keys.relayer)
    const kills: KillRecord[] = []
    const crashed = (n: NodeProcess, what: string) => new NodeRunError(`The node (pid ${n.pid}) ${what}; see ${logFile}.`)

    const launch = (label: string, ready: (n: NodeProcess) => Promise<boolean>): Promise<NodeProcess> =>
      launchNode(nodeOptions, label, ready, (n) => {
        node = n
      }).catch((error: unknown) => {
        throw new NodeRunError((error as Error).message)
      })

    // The steps of each round follow those of the rounds before it and go on while nodes start, run and die. The
    // next node is never held back for them: a crash waits until the venue's reports are taken, which needs a node.
    let steps: Promise<void> = Promise.resolve()
    let stepsError: unknown
    for (const [i, round] of plan.rounds.entries()) {
      const { mode, delayMs } = round.kill
      const label = `round ${i}: ${mode} after ${delayMs} ms`
      if (stepsError) throw stepsError
      steps = steps.then(async () => {
        for (const step of round.steps) await scenario.play(step)
      })
      steps.catch((error: unknown) => {
        stepsError ??= error
      })
      const startedFor = async (n: NodeProcess) => {
        await sleep(delayMs)
        return n.alive()
      }
      const current = await launch(label, mode === 'startup' ? startedFor : (n) => untilHealthy(n, START_TIMEOUT_MS))
      let aimedAt: boolean | undefined
      let stopMs: number | undefined
      if (mode === 'startup') current.signal('SIGKILL')
      else {
        if (mode === 'random' || mode === 'term') await sleep(delayMs)
        else aimedAt = await waitForMoment(devnet, mode, relayer, delayMs, () => !current.alive())
        if (!current.alive()) throw crashed(current, `exited with ${JSON.stringify(await current.exited)} while running`)
        if (mode === 'term') {
          const signalled = Date.now()
          current.signal('SIGTERM')
          const exit = await Promise.race([current.exited, sleep((SHUTDOWN_TIMEOUT_SECONDS + 60) * 1000).then(() => undefined)])
          stopMs = Date.now() - signalled
          if (exit?.code !== 0) throw crashed(current, `did not stop with exit code 0 on SIGTERM (${exit ? JSON.stringify(exit) : 'still running'} after ${stopMs} ms)`)
        } else current.signal('SIGKILL')
      }
      const exit = await current.exited
      kills.push({ round: i, mode, aimedAt, exit, ...(stopMs !== undefined ? { stopMs } : {}) })
      progress(`round ${i + 1}/${plan.rounds.length}: ${mode}${aimedAt === undefined ? '' : aimedAt ? ' (hit)' : ' (missed, killed anyway)'} → ${exit.signal ?? `exit ${exit.code}`}`)
    }

    // the last node: the venue's reports go out, everything in flight finishes, then it stops like an operator stops it
    let database: Database | undefined
    const deadline = Date.now() + DRAIN_TIMEOUT_MS
    for (let attempt = 0; !database; attempt++) {
      const last = await launch(`drain ${attempt}`, (n) => untilHealthy(n, START_TIMEOUT_MS))
      await steps
      await scenario.venueFlushed()
      const heads = await drainedThroughApi(devnet, scenario, last, deadline)
      const signalled = Date.now()
      last.signal('SIGTERM')
      const exit = await Promise.race([last.exited, sleep((SHUTDOWN_TIMEOUT_SECONDS + 60) * 1000).then(() => undefined)])
      if (exit?.code !== 0)
        throw crashed(last, `did not stop with exit code 0 on SIGTERM after draining (${exit ? JSON.stringify(exit) : 'still running'} after ${Date.now() - signalled} ms)`)
      const opened = await createDatabase({ url: fresh?.url, dataDir: nodeOptions.dataDir })
      const left = await undrained(opened, devnet, heads)
      if (left.length === 0) database = opened
      else {
        await opened.close()
        if (Date.now() > deadline) throw new Error(`The scenario did not drain within ${DRAIN_TIMEOUT_MS} ms: ${left.join('; ')}`)
        progress(`not drained yet (${left.join('; ')}); starting the node again`)
      }
    }
    try {
      const ctx = { db: database.db, config: coSigners.config, devnet, requests: scenario.requests, accounts: scenario.accounts }
      const failures = await runFinalChecks(ctx, [...finalChecks, ...(options.extraChecks ?? [])])
      return { plan, kills, failures, summary: await summarise(database, scenario, kills, logFile), logFile }
    } finally {
      await database.close()
    }
  } finally {
    if (node?.alive()) {
      node.signal('SIGKILL')
      await node.exited
    }
    await network?.stop()
    await fresh?.drop()
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * Waits, through the node's API and the chains, until nothing is left to do: no command in flight or failing on any
 * route, no trader locked, every request the scenario made answered on its vault, and still so once every chain has
 * mined its confirmation depth past the heads first seen drained (so the watchers have ingested everything).
 * @returns those heads, which the stopped node's checkpoints must have reached. @throws Error after `deadline`.
 */
async function drainedThroughApi(devnet: Devnet, scenario: Scenario, node: NodeProcess, deadline: number): Promise<bigint[]> {
  const depth = BigInt(Math.max(...devnet.config.chains.map((c) => c.confirmations))) + 2n
  let heads: bigint[] | undefined
  let why = ''
  while (Date.now() < deadline) {
    why = await whyNotDrained(devnet, scenario, node).catch((error: unknown) => `the API did not answer: ${(error as Error).message}`)
    const now = await Promise.all(devnet.chains.map((c) => c.publicClient.getBlockNumber({ cacheTime: 0 })))
    if (why) heads = undefined
    else if (!heads) heads = now
    else if (now.every((h, i) => h >= heads![i]! + depth)) return heads
    await sleep(250)
  }
  throw new Error(`The scenario did not drain in time: ${why || 'the chains did not advance'}`)
}

async function whyNotDrained(devnet: Devnet, scenario: Scenario, node: NodeProcess): Promise<string> {
  if (!node.alive()) throw new NodeRunError(`The draining node (pid ${node.pid}) exited with ${JSON.stringify(await node.exited)}.`)
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${node.apiUrl}${path}`, { signal: AbortSignal.timeout(10_000) })
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`)
    return (await res.json()) as T
  }
  const { routes } = await get<{ routes: { chainId: number; inFlight: number; failing: number }[] }>('/v1/routes')
  const busy = routes.filter((r) => r.inFlight + r.failing > 0)
  if (busy.length > 0) return `commands in flight to ${busy.map((r) => `${r.chainId} (${r.inFlight} + ${r.failing} failing)`).join(', ')}`
  for (const t of scenario.traders) {
    const view = await get<{ lock: { state: string } }>(`/v1/accounts/${t.address}`)
    if (view.lock.state !== 'unlocked') return `${t.address} is ${view.lock.state}`
  }
  for (const r of scenario.requests) {
    const c = devnet.chain(r.chainId)
    const request = await c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [r.requestId] })
    if (request.status === 1) return `request ${r.requestId} on ${c.name} is pending`
  }
  return ''
}

/** What the stopped node's database still has to do: reasons, empty when drained. */
async function undrained(database: Database, devnet: Devnet, heads: bigint[]): Promise<string[]> {
  const { db } = database
  const left: string[] = []
  const live = (await db.select().from(commands)).filter((c) => !['executed', 'dead', 'cancelled'].includes(c.state))
  if (live.length > 0) left.push(`${live.length} commands not executed`)
  const seizing = (await db.select().from(liquidations)).filter((l) => l.state !== 'settled')
  if (seizing.length > 0) left.push(`${seizing.length} liquidations seizing`)
  const checkpoints = await db.select().from(chainCheckpoints)
  devnet.chains.forEach((c, i) => {
    const at = checkpoints.find((r) => r.chainId === c.chainId)?.blockNumber ?? -1n
    if (at < heads[i]!) left.push(`${c.name} ingested up to ${at}, not ${heads[i]}`)
  })
  const unprocessed = await db.select({ id: chainEvents.id }).from(chainEvents).where(isNull(chainEvents.processedAt))
  if (unprocessed.length > 0) left.push(`${unprocessed.length} events unprocessed`)
  return left
}

async function summarise(database: Database, scenario: Scenario, kills: KillRecord[], logFile: string): Promise<Record<string, unknown>> {
  const { db } = database
  const all = await db.select().from(commands)
  const byKind: Record<string, number> = {}
  for (const c of all) byKind[c.kind] = (byKind[c.kind] ?? 0) + 1
  const ws = await db.select().from(withdrawals)
  const modes: Record<string, number> = {}
  for (const k of kills) modes[k.mode] = (modes[k.mode] ?? 0) + 1
  const log = readFileSync(logFile, 'utf8')
  return {
    kills: kills.length,
    sigkills: kills.filter((k) => k.exit.signal === 'SIGKILL').length,
    sigterms: kills.filter((k) => k.mode === 'term').length,
    modes,
    aimedHits: kills.filter((k) => k.aimedAt === true).length,
    aimedMissed: kills.filter((k) => k.aimedAt === false).length,
    sigtermStopMs: kills.filter((k) => k.stopMs !== undefined).map((k) => k.stopMs),
    claimsResumedAfterKills: (log.match(/Reclaimed \d+ commands/g) ?? []).length,
    scenario: scenario.stats,
    commands: all.length,
    commandsByKind: byKind,
    withdrawalsPaid: ws.filter((w) => w.state === 'executed').length,
    withdrawalsRejected: ws.filter((w) => w.state === 'rejected').length,
    liquidations: (await db.select().from(liquidations)).length,
  }
}
