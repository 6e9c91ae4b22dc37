/**
 * Relayer benchmark on a real 3-chain devnet with 1 s blocks (anvil, Wormhole core, LayerZero EndpointV2/ULN302),
 * PGlite outbox (PostgreSQL when DATABASE_URL is set), one relayer process, Lock commands to all three vaults (the hub's own chain included), per transport:
 * - overhead: rounds of 3 commands (one per chain) in flight; per command, the relayer's wall time inside its steps
 *   minus the time spent waiting for confirmations: receipts (block inclusion) and the guardians' VAA signatures
 *   (the devnet's guardians sign in a worker thread, as real ones sign elsewhere), and sends waiting for room under
 *   a chain's one block of gas in flight. Finality waits happen between
 *   steps and are not counted; the poll interval (50 ms here) is not counted either. p50/p99 over all commands; also end-to-end latency.
 * - sustained throughput: commands enqueued at a steady offered rate (every 100 ms, rate/10 of them) for a number of
 *   seconds; commands/s executed in the steady window (from 8 s after the feed started, past the pipeline's latency,
 *   to the feed's end), end-to-end latency p50/p99 (enqueue to the `executed` transition) and the time to drain
 *   after the feed stops. A relayer that keeps up executes at the offered rate and drains within one latency.
 * Run: `pnpm bench` (all benchmarks) or `npx tsx bench/relayer.ts [rounds] [rate] [seconds] [transports]`
 * (default 8, 200 over each transport, 24, wormhole,layerzero). Fallback between transports is off:
 * each run measures one transport.
 */
import os from 'node:os'
import type { TransportName } from '@unimargin/chains'
import { commands, type Db, eq, sql, testDatabases } from '@unimargin/db'
import { type Devnet, startDevnet } from '@unimargin/devnet'
import { createLocalGuardianAttester, encodeCommand } from '@unimargin/protocol'
import { createRelayer, type StepTiming } from '@unimargin/relayer'
import { devnetKeyCoSigners } from '@unimargin/relayer/testing'
import pino from 'pino'
import { type Address, keccak256, toHex } from 'viem'

const rounds = Number(process.argv[2] ?? 8)
/** commands/s offered: argv[3], else 200 (the target) over each transport */
const rateOf = (_t: TransportName) => (process.argv[3] ? Number(process.argv[3]) : 200)
const seconds = Number(process.argv[4] ?? 24)
const transports = (process.argv[5] ?? 'wormhole,layerzero').split(',') as TransportName[]
/** the outbox: PostgreSQL (a fresh database) when DATABASE_URL is set, else embedded PGlite */
const databaseKind = process.env.DATABASE_URL ? 'postgres' : 'pglite'
/** seconds after the feed starts before the steady window opens (past the pipeline's end-to-end latency) */
const WARMUP_S = 8
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
let serial = 0

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}

/** Inserts `n` Lock commands, spread over the devnet's chains, each for a fresh account. @returns their ids. */
async function enqueue(devnet: Devnet, db: Db, n: number, cause: string): Promise<string[]> {
  const now = (await devnet.chains[0]!.publicClient.getBlock()).timestamp
  const rows = Array.from({ length: n }, (_, i) => {
    const c = devnet.chains[i % devnet.chains.length]!
    const id = keccak256(toHex(`bench-relayer-${process.pid}-${serial++}`))
    const account = `0x${id.slice(26)}` as Address
    const expiry = now + 3600n
    const payload = encodeCommand({ kind: 'Lock', commandId: id, destChainId: BigInt(c.chainId), vault: c.addresses.vault, expiry, account, lockEpoch: 1 })
    return { id, kind: 'Lock', account, destChainId: c.chainId, vault: c.addresses.vault, payload, expiry, cause }
  })
  await db.insert(commands).values(rows)
  return rows.map((r) => r.id)
}

/** One transport: overhead rounds, then one batch. */
async function measure(devnet: Devnet, transport: TransportName) {
  const database = await testDatabases().find((d) => d.kind === databaseKind)!.open()
  const config = { ...devnet.config, routes: devnet.chains.map((c) => ({ chainId: c.chainId, transport })) }
  const steps: StepTiming[] = []
  const relayer = createRelayer({
    db: database.db,
    config,
    logger,
    attester: createLocalGuardianAttester({ keys: devnet.keys.guardians, guardianSetIndex: 0 }),
    // the transport cost alone: co-signatures straight from the devnet keys, not from co-signer services
    coSigners: devnetKeyCoSigners(devnet),
    pollIntervalMs: 50,
    batchSize: 1024,
    onStep: (s) => steps.push(s),
    fallbackAfterMs: Number.POSITIVE_INFINITY,
  })
  /** Waits until every command enqueued with `cause` (`n` of them) executed. */
  const until = async (cause: string, n: number, timeoutMs: number, pollMs = 50) => {
    const deadline = Date.now() + timeoutMs
    const count = async () => {
      const [row] = await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(commands)
        .where(sql`${commands.cause} = ${cause} and ${commands.state} = 'executed'`)
      return row?.n ?? 0
    }
    while ((await count()) < n) {
      if (Date.now() > deadline) {
        const stuck = await database.db.select({ state: commands.state, err: commands.lastError }).from(commands).where(sql`${commands.cause} = ${cause} and ${commands.state} <> 'executed'`)
        throw new Error(`${transport}: ${stuck.length} of ${n} commands not executed after ${timeoutMs} ms, e.g. ${JSON.stringify(stuck[0])}`)
      }
      await new Promise((r) => setTimeout(r, pollMs))
    }
  }
  relayer.start()
  try {
    const latencies: number[] = []
    const latencyIds: string[] = []
    for (let r = 0; r < rounds; r++) {
      const started = performance.now()
      const ids = await enqueue(devnet, database.db, devnet.chains.length, `bench-round-${r}`)
      await until(`bench-round-${r}`, ids.length, 60_000)
      latencies.push(performance.now() - started)
      latencyIds.push(...ids)
    }
    const overhead = latencyIds.map((id) => steps.filter((s) => s.commandId === id).reduce((sum, s) => sum + s.durationMs - s.waitMs, 0))
    const waits = latencyIds.map((id) => steps.filter((s) => s.commandId === id).reduce((sum, s) => sum + s.waitMs, 0))

    const byStep = Object.fromEntries(
      ['pending', 'published', 'attested', 'delivered', 'failed'].map((from) => {
        const xs = steps.filter((s) => latencyIds.includes(s.commandId) && s.from === from)
        return [from, xs.length ? `${Math.round(quantile(xs.map((s) => s.durationMs - s.waitMs), 0.5))}/${Math.round(quantile(xs.map((s) => s.waitMs), 0.5))}` : '-']
      }),
    )
    console.log(`${transport}: per step from state, median work/confirmation-wait ms`, byStep)
    steps.length = 0

    // sustained: a steady offered rate for `seconds`
    const rate = rateOf(transport)
    const fed: string[] = []
    const feedStarted = Date.now()
    for (let tick = 0; tick < seconds * 10; tick++) {
      fed.push(...(await enqueue(devnet, database.db, Math.round(rate / 10), 'bench-sustained')))
      const next = feedStarted + (tick + 1) * 100
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())))
    }
    const feedEnded = Date.now()
    await until('bench-sustained', fed.length, 300_000, 250)
    const drainedMs = Date.now() - feedEnded
    const rows = await database.db.execute(sql`
      select c.created_at as enqueued, t.at as executed from commands c join command_transitions t on t.command_id = c.id and t.to_state = 'executed'
      where c.cause = 'bench-sustained'`)
    const list = ((rows as unknown as { rows?: unknown[] }).rows ?? (rows as unknown as unknown[])) as { enqueued: string | Date; executed: string | Date }[]
    const ms = (x: string | Date) => new Date(x).getTime()
    const windowStart = feedStarted + WARMUP_S * 1000
    const inWindow = list.filter((r) => ms(r.executed) >= windowStart && ms(r.executed) < feedEnded).length
    const e2e = list.map((r) => ms(r.executed) - ms(r.enqueued))
    const batchSizes = steps.map((s) => s.batchSize)
    const work = new Map<string, number>()
    for (const s of steps) work.set(s.commandId, (work.get(s.commandId) ?? 0) + s.durationMs - s.waitMs)
    const sustainedOverhead = fed.map((id) => work.get(id) ?? 0)
    const [dead] = await database.db.select({ n: sql<number>`count(*)::int` }).from(commands).where(eq(commands.state, 'dead'))
    return {
      transport,
      'overhead p50 (ms)': Number(quantile(overhead, 0.5).toFixed(1)),
      'overhead p99 (ms)': Number(quantile(overhead, 0.99).toFixed(1)),
      'confirmation wait p50 (ms)': Math.round(quantile(waits, 0.5)),
      'end-to-end p50 (ms)': Math.round(quantile(latencies, 0.5)),
      'offered /s': rate,
      'executed /s': Number((inWindow / ((feedEnded - windowStart) / 1000)).toFixed(1)),
      'e2e p50/p99 (s)': `${(quantile(e2e, 0.5) / 1000).toFixed(1)}/${(quantile(e2e, 0.99) / 1000).toFixed(1)}`,
      'drain (s)': Number((drainedMs / 1000).toFixed(1)),
      'batch p50': quantile(batchSizes, 0.5),
      'overhead p50 under load (ms)': Math.round(quantile(sustainedOverhead, 0.5)),
      dead: dead?.n ?? 0,
    }
  } finally {
    await relayer.stop()
    await database.close()
  }
}

const devnet = await startDevnet({ chains: 3, basePort: 23545, blockTimeSeconds: 1, logger })
try {
  const results = []
  for (const transport of transports) results.push(await measure(devnet, transport))
  console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load ${os.loadavg()[0]?.toFixed(1)}`)
  console.log(`relayer: 3 chains, 1 s blocks, ${rounds} rounds of 3 for overhead, a steady rate for ${seconds} s`)
  console.table(results)
} finally {
  await devnet.stop()
}
