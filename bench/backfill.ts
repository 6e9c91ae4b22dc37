/**
 * Watcher backfill benchmark on a real one-chain devnet (anvil, the deployed MarginVault).
 *
 * 1. Produces `events` real `Deposited` events on the vault: a `DepositBatcher` holding minted USDC calls
 *    `MarginVault.deposit` `perBlock` times per transaction (automine: one block per transaction), for 16 accounts.
 * 2. For each run, a fresh database (PostgreSQL when DATABASE_URL is set, else embedded PGlite) and a new watcher of
 *    the vault and the asset feeds (as `unimargin start` runs it, its poll loop started) backfill from the vault's
 *    deployment block to the confirmed head; wall time from `start()` until its checkpoint reaches that block. Each run checks that every
 *    deposit was written exactly once.
 * 3. The same with three RPC providers and `quorum: 2`: three TCP forwarders (the first free ports from basePort+10) in front of
 *    the one anvil, so each provider is a distinct URL whose answers are read, parsed and compared by the watcher.
 *
 * Prints events/s, total wall time and the bench process's CPU time (the watcher's share: anvil and the database
 * run in their own processes) per run, and the medians over the runs.
 * Run: `pnpm --filter @unimargin/bench bench:backfill` or
 * `npx tsx bench/backfill.ts [events] [runs] [perBlock] [basePort] [maxLogRange]`
 * (default 100000, 3, 100, 46000, the config's default 1000).
 */
import { createServer, type Server, Socket } from 'node:net'
import os from 'node:os'
import { type ChainConfig, createChainPublicClient } from '@unimargin/chains'
import { DepositBatcher, MarginVault, MockERC20, MockPriceFeed } from '@unimargin/contracts'
import { chainEvents, eq, sql, testDatabases } from '@unimargin/db'
import { type Devnet, startDevnet } from '@unimargin/devnet'
import { createWatcher } from '@unimargin/watcher'
import pino from 'pino'
import { type Abi, type Address, encodeFunctionData, type Hex } from 'viem'

const events = Number(process.argv[2] ?? 100_000)
const runs = Number(process.argv[3] ?? 3)
const perBlock = Number(process.argv[4] ?? 100)
const basePort = Number(process.argv[5] ?? 46_000)
const maxLogRange = process.argv[6] ? Number(process.argv[6]) : undefined
const databaseKind = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' })

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Deploys a batcher and makes `total` deposits, `perTx` per transaction. @returns the blocks they span. */
async function produceDeposits(devnet: Devnet, total: number, perTx: number): Promise<{ first: bigint; last: bigint }> {
  const c = devnet.chains[0]!
  const usdc = c.addresses.tokens.USDC
  const wallet = c.walletClient
  const deployHash = await wallet.deployContract({ abi: DepositBatcher.abi, bytecode: DepositBatcher.bytecode as Hex })
  const batcher = (await c.publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress!
  await c.publicClient.waitForTransactionReceipt({
    hash: await wallet.writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'mint', args: [batcher, BigInt(total) * 1_000_000n] }),
  })
  await c.publicClient.waitForTransactionReceipt({
    hash: await wallet.writeContract({ address: batcher, abi: DepositBatcher.abi, functionName: 'approve', args: [usdc, c.addresses.vault] }),
  })
  const accounts = Array.from({ length: 16 }, (_, i) => `0x${(0xacc0 + i).toString(16).padStart(40, '0')}` as Address)
  const data = (n: number) =>
    encodeFunctionData({ abi: DepositBatcher.abi, functionName: 'depositMany', args: [c.addresses.vault, usdc, 1_000_000n, accounts, BigInt(n)] })
  // the first transaction touches cold slots: its gas bounds every later one
  const gas = ((await c.publicClient.estimateGas({ account: wallet.account, to: batcher, data: data(perTx) })) * 12n) / 10n
  let nonce = await c.publicClient.getTransactionCount({ address: wallet.account.address, blockTag: 'pending' })
  let first: bigint | undefined
  let last = 0n
  const hashes: Hex[] = []
  for (let done = 0; done < total; done += perTx) {
    const n = Math.min(perTx, total - done)
    hashes.push(await wallet.sendTransaction({ to: batcher, data: data(n), gas, nonce: nonce++ }))
    // a receipt now and then keeps the node's pool short and shows a revert early
    if (hashes.length % 100 === 0 || done + n >= total) {
      const receipts = []
      for (const hash of hashes.splice(0)) receipts.push(await receiptOf(devnet, hash))
      if (process.env.BENCH_VERBOSE) console.error(`sent ${done + n} deposits, nonce ${nonce}`)
      for (const r of receipts) {
        if (r.status !== 'success') throw new Error(`depositMany reverted in ${r.transactionHash}`)
        first ??= r.blockNumber
        if (r.blockNumber > last) last = r.blockNumber
      }
    }
  }
  return { first: first!, last }
}

/** The receipt of `hash`, polled; a transaction still pending after 10 s gets a block mined for it. */
async function receiptOf(devnet: Devnet, hash: Hex) {
  const c = devnet.chains[0]!
  const since = Date.now()
  for (;;) {
    const receipt = await c.publicClient.getTransactionReceipt({ hash }).catch(() => undefined)
    if (receipt) return receipt
    if (Date.now() - since > 10_000) await devnet.mine(c.chainId, 1)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A TCP forwarder on `port` to `target`'s host and port: another provider URL for the same node. */
async function startForwarder(port: number, target: URL): Promise<Server> {
  const server = createServer((inbound) => {
    const outbound = new Socket()
    outbound.connect(Number(target.port), target.hostname)
    inbound.pipe(outbound).pipe(inbound)
    inbound.on('error', () => outbound.destroy())
    outbound.on('error', () => inbound.destroy())
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve))
  return server
}

/** One backfill from the chain's start block into a fresh database. @returns events written and wall seconds. */
async function backfill(chain: ChainConfig, expectedDeposits: number): Promise<{ written: number; seconds: number; failures: number; cpuSeconds: number }> {
  const database = await testDatabases().find((d) => d.kind === databaseKind)!.open()
  try {
    const watcher = createWatcher({
      db: database.db,
      chain,
      logger,
      contracts: [
        { address: chain.vault, abi: MarginVault.abi as Abi },
        ...chain.assets.map((a) => ({ address: a.feed, abi: MockPriceFeed.abi as Abi })),
      ],
    })
    // the service as the node runs it: its poll loop (immediate re-poll while behind, backoff after a failure)
    const client = createChainPublicClient(chain)
    const target = (await client.getBlockNumber({ cacheTime: 0 })) - BigInt(chain.confirmations)
    const started = performance.now()
    const cpu = process.cpuUsage()
    watcher.start()
    while ((watcher.status().checkpoint ?? -1n) < target) {
      if (watcher.status().halted) throw watcher.status().halted
      await new Promise((r) => setTimeout(r, 5))
    }
    const seconds = (performance.now() - started) / 1000
    const { user, system } = process.cpuUsage(cpu)
    const cpuSeconds = (user + system) / 1e6
    const failures = watcher.status().failures
    await watcher.stop()
    const [all] = await database.db.select({ n: sql<number>`count(*)::int` }).from(chainEvents)
    const written = Number(all?.n)
    const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(chainEvents).where(eq(chainEvents.eventName, 'Deposited'))
    if (Number(row?.n) !== expectedDeposits) throw new Error(`wrote ${row?.n} Deposited events, expected ${expectedDeposits}`)
    return { written, seconds, failures, cpuSeconds }
  } finally {
    await database.close()
  }
}

async function series(label: string, chain: ChainConfig, expectedDeposits: number) {
  const results: { written: number; seconds: number; failures: number; cpuSeconds: number }[] = []
  for (let i = 0; i < runs; i++) {
    const r = await backfill(chain, expectedDeposits)
    results.push(r)
    console.log(`${label} run ${i + 1}: ${r.written} events in ${r.seconds.toFixed(2)} s (${r.failures} failed polls): ${Math.round(r.written / r.seconds)} events/s, watcher process CPU ${r.cpuSeconds.toFixed(2)} s, load ${os.loadavg()[0]!.toFixed(1)}`)
  }
  const rates = results.map((r) => r.written / r.seconds)
  console.log(
    `${label}: median ${Math.round(median(rates))} events/s, median total ${median(results.map((r) => r.seconds)).toFixed(2)} s, median CPU ${median(results.map((r) => r.cpuSeconds)).toFixed(2)} s, best ${Math.round(Math.max(...rates))} events/s`,
  )
}

const devnet = await startDevnet({ chains: 1, basePort, logger })
const servers: Server[] = []
try {
  const producing = performance.now()
  const span = await produceDeposits(devnet, events, perBlock)
  const base = devnet.config.chains[0]!
  await devnet.mine(base.chainId, base.confirmations)
  console.log(
    `devnet: ${events} Deposited events in blocks ${span.first}-${span.last} (${perBlock} per block), produced in ${((performance.now() - producing) / 1000).toFixed(1)} s; database ${databaseKind}; ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  )
  const chain: ChainConfig = { ...base, ...(maxLogRange ? { maxLogRange } : {}) }
  await series('one provider', chain, events)

  const upstream = new URL(base.rpcUrl)
  // ports from basePort + 10 on; one an outgoing connection holds is skipped
  const urls: string[] = []
  for (let port = basePort + 10; urls.length < 3 && port < basePort + 100; port++) {
    try {
      servers.push(await startForwarder(port, upstream))
      urls.push(`http://127.0.0.1:${port}`)
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE') throw error
    }
  }
  await series('quorum 2 of 3', { ...chain, rpcUrl: urls[0]!, fallbackRpcUrls: urls.slice(1), quorum: 2 }, events)
} finally {
  for (const s of servers) s.close()
  await devnet.stop()
}
