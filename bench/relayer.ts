/**
 * Relayer benchmark on a real 3-chain devnet with 1 s blocks (anvil, Wormhole core, LayerZero EndpointV2/ULN302),
 * PGlite outbox, one relayer process, Lock commands to all three vaults (the hub's own chain included), per transport:
 * - overhead: rounds of 3 commands (one per chain) in flight; per command, the relayer's wall time inside its steps
 *   minus the time spent waiting for receipts (block inclusion). Finality waits happen between steps and are not
 *   counted; the poll interval (20 ms here) is not counted either. p50/p99 over all commands; also end-to-end latency.
 * - throughput: a batch of N commands enqueued at once; commands/s from the relayer's start to the last execution.
 * Run: `pnpm bench` (all benchmarks) or `npx tsx bench/relayer.ts [rounds] [batch] [concurrency]` (default 8 300 256).
 */
import os from 'node:os'
import type { TransportName } from '@unimargin/chains'
import { commands, createDatabase, eq, sql } from '@unimargin/db'
import { type Devnet, startDevnet } from '@unimargin/devnet'
import { createLocalGuardianAttester, encodeCommand } from '@unimargin/protocol'
import { createRelayer, type StepTiming } from '@unimargin/relayer'
import pino from 'pino'
import { type Address, keccak256, toHex } from 'viem'

const rounds = Number(process.argv[2] ?? 8)
const batch = Number(process.argv[3] ?? 300)
const concurrency = Number(process.argv[4] ?? 256)
const logger = pino({ level: 'silent' })
let serial = 0

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}

/** Inserts `n` Lock commands, spread over the devnet's chains, each for a fresh account. @returns their ids. */
async function enqueue(devnet: Devnet, db: Awaited<ReturnType<typeof createDatabase>>['db'], n: number): Promise<string[]> {
  const now = (await devnet.chains[0]!.publicClient.getBlock()).timestamp
  const rows = Array.from({ length: n }, (_, i) => {
    const c = devnet.chains[i % devnet.chains.length]!
    const id = keccak256(toHex(`bench-relayer-${process.pid}-${serial++}`))
    const account = `0x${id.slice(26)}` as Address
    const expiry = now + 3600n
    const payload = encodeCommand({ kind: 'Lock', commandId: id, destChainId: BigInt(c.chainId), vault: c.addresses.vault, expiry, account, lockEpoch: 1 })
    return { id, kind: 'Lock', account, destChainId: c.chainId, vault: c.addresses.vault, payload, expiry, cause: 'bench' }
  })
  await db.insert(commands).values(rows)
  return rows.map((r) => r.id)
}

/** One transport: overhead rounds, then one batch. */
async function measure(devnet: Devnet, transport: TransportName) {
  const database = await createDatabase()
  const config = { ...devnet.config, routes: devnet.chains.map((c) => ({ chainId: c.chainId, transport })) }
  const steps: StepTiming[] = []
  const relayer = createRelayer({
    db: database.db,
    config,
    logger,
    attester: createLocalGuardianAttester({ keys: devnet.keys.guardians, guardianSetIndex: 0 }),
    pollIntervalMs: 20,
    batchSize: 512,
    concurrency,
    onStep: (s) => steps.push(s),
  })
  const executedCount = async (ids: string[]) => {
    const [row] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(commands)
      .where(sql`${commands.id} in ${ids} and ${commands.state} = 'executed'`)
    return row?.n ?? 0
  }
  const until = async (ids: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs
    while ((await executedCount(ids)) < ids.length) {
      if (Date.now() > deadline) {
        const stuck = await database.db.select({ state: commands.state, err: commands.lastError }).from(commands).where(sql`${commands.id} in ${ids} and ${commands.state} <> 'executed'`)
        throw new Error(`${transport}: ${stuck.length} of ${ids.length} commands not executed after ${timeoutMs} ms, e.g. ${JSON.stringify(stuck[0])}`)
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  relayer.start()
  try {
    const latencies: number[] = []
    const latencyIds: string[] = []
    for (let r = 0; r < rounds; r++) {
      const started = performance.now()
      const ids = await enqueue(devnet, database.db, devnet.chains.length)
      await until(ids, 60_000)
      latencies.push(performance.now() - started)
      latencyIds.push(...ids)
    }
    const overhead = latencyIds.map((id) => steps.filter((s) => s.commandId === id).reduce((sum, s) => sum + s.durationMs - s.receiptWaitMs, 0))
    const waits = latencyIds.map((id) => steps.filter((s) => s.commandId === id).reduce((sum, s) => sum + s.receiptWaitMs, 0))

    const byStep = Object.fromEntries(
      ['pending', 'published', 'attested', 'delivered', 'failed'].map((from) => {
        const xs = steps.filter((s) => latencyIds.includes(s.commandId) && s.from === from)
        return [from, xs.length ? `${Math.round(quantile(xs.map((s) => s.durationMs - s.receiptWaitMs), 0.5))}/${Math.round(quantile(xs.map((s) => s.receiptWaitMs), 0.5))}` : '-']
      }),
    )
    console.log(`${transport}: per step from state, median work/receipt-wait ms`, byStep)
    steps.length = 0
    const started = performance.now()
    const ids = await enqueue(devnet, database.db, batch)
    await until(ids, 300_000)
    const seconds = (performance.now() - started) / 1000
    const batchOverhead = ids.map((id) => steps.filter((s) => s.commandId === id).reduce((sum, s) => sum + s.durationMs - s.receiptWaitMs, 0))
    const [dead] = await database.db.select({ n: sql<number>`count(*)::int` }).from(commands).where(eq(commands.state, 'dead'))
    return {
      transport,
      'overhead p50 (ms)': Number(quantile(overhead, 0.5).toFixed(1)),
      'overhead p99 (ms)': Number(quantile(overhead, 0.99).toFixed(1)),
      'receipt wait p50 (ms)': Math.round(quantile(waits, 0.5)),
      'end-to-end p50 (ms)': Math.round(quantile(latencies, 0.5)),
      [`batch of ${batch}: commands/s`]: Number((batch / seconds).toFixed(1)),
      'batch overhead p50 (ms)': Math.round(quantile(batchOverhead, 0.5)),
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
  for (const transport of ['wormhole', 'layerzero'] as const) results.push(await measure(devnet, transport))
  console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load ${os.loadavg()[0]?.toFixed(1)}`)
  console.log(`relayer: 3 chains, 1 s blocks, ${rounds} rounds of 3 for overhead, batch ${batch}, concurrency ${concurrency}`)
  console.table(results)
} finally {
  await devnet.stop()
}
