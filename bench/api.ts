/**
 * HTTP API benchmark: the node's API (`serveApi`, as `unimargin start` serves it) over a database holding
 * `accounts` accounts, each with 10 000 USDC on chain B, the first 1 000 (and every streamed one) also with a
 * 1 ETH-PERP long, prices applied by the aggregator. (The aggregator reviews every account with a position on each
 * price, one after the other: with positions on all 100 000 a tick would take minutes, which is its own problem.)
 * 1. The API starts with every account's view to be computed ahead of reads (`live.warmViews`); the time until all are
 *    held is printed. Then `GET /v1/accounts/:address` under load: autocannon in a child process (`apiLoad.mjs`), `connections`
 *    connections for `seconds` s, each request for a random seeded account; requests/s (mean), latency p50/p99 ms.
 *    The per-client rate limit is lifted (it would answer 429 to one load generator); everything else is as served.
 * 2. Stream fan-out: `clients` Server-Sent Events streams (`sseClients.mjs`, another process) over the first
 *    `streamAccounts` accounts; once every one has its snapshot, ETH moves 1% and the aggregator applies it; the
 *    time from that commit to each client's `update` event: p50, p99 and max ms, and how many got none in 10 s.
 * Database: PostgreSQL (a fresh database) when DATABASE_URL is set, else embedded PGlite.
 * Run: `pnpm --filter @unimargin/bench bench:api` or `npx tsx bench/api.ts [accounts] [connections] [seconds]
 * [clients] [streamAccounts] [port]` (default 100000, 100, 10, 10000, 100, 46090). Needs `ulimit -n` above `clients` × 2.
 */
import { fork } from 'node:child_process'
import os from 'node:os'
import { createAggregator, serveApi } from '@unimargin/aggregator'
import { A, B, createEmitter, feeds, seedPrices, testConfig, tokens, usd } from '@unimargin/aggregator/testing'
import { accounts, collateralBalances, positions, testDatabases } from '@unimargin/db'
import pino from 'pino'
import { Registry } from 'prom-client'
import { getAddress } from 'viem'

const accountCount = Number(process.argv[2] ?? 100_000)
const connections = Number(process.argv[3] ?? 100)
const seconds = Number(process.argv[4] ?? 10)
const clients = Number(process.argv[5] ?? 10_000)
const streamAccounts = Number(process.argv[6] ?? 100)
const port = Number(process.argv[7] ?? 46_090)
const databaseKind = process.env.DATABASE_URL ? 'postgres' : 'pglite'
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
const addressOf = (i: number) => getAddress(`0x${(i + 1).toString(16).padStart(40, '0')}`)

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}

const database = await testDatabases().find((d) => d.kind === databaseKind)!.open()
const { db } = database
const config = testConfig()
const emitter = createEmitter(db)
const aggregator = createAggregator({ db, config, logger })
await seedPrices(emitter)
await aggregator.processPending()
const seeding = performance.now()
for (let from = 0; from < accountCount; from += 5_000) {
  const n = Math.min(5_000, accountCount - from)
  const batch = Array.from({ length: n }, (_, k) => addressOf(from + k))
  await db.insert(accounts).values(batch.map((address) => ({ address })))
  await db.insert(collateralBalances).values(batch.map((account) => ({ account, chainId: B, asset: tokens.usdcB, amount: 10_000n * 10n ** 6n })))
  const positioned = batch.filter((_, k) => from + k < Math.max(1_000, streamAccounts))
  if (positioned.length > 0) await db.insert(positions).values(positioned.map((account) => ({ account, market: 'ETH-PERP', size: 10n ** 18n, entryPrice: usd(2000) })))
}
console.log(`${accountCount} accounts (${Math.min(accountCount, Math.max(1_000, streamAccounts))} with a position) seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s on ${databaseKind}; ${os.cpus().length} cores (${os.cpus()[0]?.model}), load average ${os.loadavg()[0]!.toFixed(1)}`)

const registry = new Registry()
const server = await serveApi({
  db,
  config,
  logger,
  port,
  registry,
  limits: { rateLimit: { limit: 1_000_000_000 } },
  // every account's view kept and computed at start (`api.views` in a node's configuration)
  live: { maxViews: accountCount, warmViews: accountCount },
})
const url = `http://127.0.0.1:${server.port}`
const warming = performance.now()
const cachedViews = async () => Number(/ (\d+)$/m.exec(await registry.getSingleMetricAsString('unimargin_account_views_cached'))?.[1])
while ((await cachedViews()) < accountCount) await new Promise((resolve) => setTimeout(resolve, 200))
console.log(`${accountCount} account views computed at start in ${((performance.now() - warming) / 1000).toFixed(1)} s`)

type Load = { requests: number; rps: number; p50: number; p99: number; non2xx: number; errors: number; timeouts: number }
const load = await new Promise<Load>((resolve, reject) => {
  const child = fork(new URL('./apiLoad.mjs', import.meta.url), [JSON.stringify({ url, accounts: accountCount, connections, seconds })])
  child.once('message', (m) => resolve(m as Load))
  child.once('exit', (code) => reject(new Error(`apiLoad.mjs exited with ${code} before its result`)))
})
console.log(
  `GET /v1/accounts/:address, ${connections} connections, ${seconds} s over ${accountCount} accounts: ${Math.round(load.rps)} requests/s, p50 ${load.p50} ms, p99 ${load.p99} ms (${load.requests} requests, ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts)`,
)

if (clients > 0) {
  type Message = { ready?: true; failed?: number; updated?: number[]; error?: string }
  let committedAt = 0
  const updated = await new Promise<number[]>((resolve) => {
    const opening = performance.now()
    const w = fork(new URL('./sseClients.mjs', import.meta.url), [JSON.stringify({ port: server.port, clients, accounts: streamAccounts, timeoutMs: 10_000 })])
    w.once('exit', (code) => code && code !== 0 && console.error(`sseClients.mjs exited with ${code}`))
    w.on('message', async (m: Message) => {
      if (m.error) console.error(m.error)
      if (m.ready) {
        console.log(`${clients - (m.failed ?? 0)} streams over ${streamAccounts} accounts open in ${((performance.now() - opening) / 1000).toFixed(1)} s (${m.failed ?? 0} could not connect in 5 attempts)`)
        w.send('mark')
        emitter.tick(60)
        await emitter.price(A, feeds.ethA, usd(2020), 2n)
        const applying = performance.now()
        await aggregator.processPending()
        committedAt = Date.now()
        w.send('committed')
        console.log(`the aggregator applied the price (reviewing ${Math.min(accountCount, Math.max(1_000, streamAccounts))} accounts with positions) in ${((performance.now() - applying) / 1000).toFixed(1)} s`)
      }
      if (m.updated) {
        w.send('close')
        resolve(m.updated)
      }
    })
  })
  const got = updated.filter((t) => t > 0).map((t) => t - committedAt)
  console.log(
    `fan-out of one price change to ${clients} streams: p50 ${quantile(got, 0.5)} ms, p99 ${quantile(got, 0.99)} ms, max ${Math.max(...got)} ms after the aggregator's commit; ${clients - got.length} without an update in 10 s`,
  )
}
await server.close()
await database.close()
process.exit(0)
