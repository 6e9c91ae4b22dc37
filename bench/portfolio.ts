/**
 * Portfolio-margin batch benchmark: full revaluation of N accounts × 8 positions over the default scenario grid, and
 * the incremental re-check after a tick on one underlying. Prints medians of several runs and the resident set size.
 * Run: `pnpm --filter @unimargin/bench bench:portfolio` (or `npx tsx bench/portfolio.ts [accounts] [runs]`).
 * Single-threaded; the instruments are priced once per tick (instrument × scenario matrix), the accounts are typed
 * arrays (see `BatchAccounts`).
 */
import os from 'node:os'
import { type BatchAccounts, createBatchEngine, createPortfolioEngine, type Instrument, type MarketState } from '@unimargin/risk'

const N = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 7)
const POSITIONS = 8
const DAY = 86_400_000
const now = Date.UTC(2026, 0, 15, 8)
const usd8 = (x: number) => BigInt(Math.round(x * 1e8))

const spots: Record<string, number> = { BTC: 60_000, ETH: 3_000, SOL: 150, AVAX: 30, LINK: 15 }
const surface = (u: string, atm: number) => ({ underlying: u, expiries: [{ timeYears: 7 / 365, atmVol: atm * 1.1 }, { timeYears: 90 / 365, atmVol: atm }], skew: -0.1 })
const marketAt = (prices: Record<string, number>): MarketState => ({
  nowMs: now,
  rate: 0.03,
  underlyings: Object.fromEntries(Object.entries(prices).map(([u, p]) => [u, { spotUsd8: usd8(p), updatedAtMs: now }])),
  surfaces: Object.fromEntries(Object.keys(prices).map((u) => [u, surface(u, u === 'BTC' ? 0.55 : 0.7)])),
})

const engine = createPortfolioEngine()
const batch = createBatchEngine(engine)
// per underlying: 1 perp, 3 futures, 4 expiries × 5 strikes × call/put = 44 instruments; 220 in all
const rows: number[][] = []
for (const [u, spot] of Object.entries(spots)) {
  const list: Instrument[] = [{ kind: 'perp', underlying: u }]
  for (const d of [30, 90, 180]) list.push({ kind: 'future', underlying: u, expiryMs: now + d * DAY })
  for (const d of [7, 30, 90, 180]) {
    for (const k of [0.8, 0.9, 1, 1.1, 1.2]) {
      for (const right of ['call', 'put'] as const) list.push({ kind: 'option', underlying: u, expiryMs: now + d * DAY, strikeUsd8: usd8(spot * k), right })
    }
  }
  rows.push(list.map((i) => batch.instruments.add(i)))
}
const usdcRow = batch.assets.add(1, '0xusdc', 'USDC')

/** Deterministic pseudo-random accounts: 8 distinct instruments over 1-3 underlyings, USDC collateral. */
function makeAccounts(n: number): { accounts: BatchAccounts; assetPrice: Float64Array } {
  let seed = 42
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0
    return seed / 2 ** 32
  }
  const positionStart = new Uint32Array(n + 1)
  const positionInstrument = new Uint32Array(n * POSITIONS)
  const positionQty = new Float64Array(n * POSITIONS)
  const collateralStart = new Uint32Array(n + 1)
  const collateralAsset = new Uint32Array(n)
  const collateralUnits = new Float64Array(n)
  const cashUsd = new Float64Array(n)
  const names = Object.keys(spots)
  for (let a = 0; a < n; a++) {
    const k = 1 + Math.floor(rnd() * 3)
    const first = Math.floor(rnd() * names.length)
    const used = new Set<number>()
    for (let p = 0; p < POSITIONS; p++) {
      const u = (first + (p % k)) % names.length
      const list = rows[u]!
      let row: number
      do row = list[Math.floor(rnd() * list.length)]!
      while (used.has(row))
      used.add(row)
      positionInstrument[a * POSITIONS + p] = row
      positionQty[a * POSITIONS + p] = ((rnd() - 0.5) * 20_000) / spots[names[u]!]!
    }
    positionStart[a + 1] = (a + 1) * POSITIONS
    collateralStart[a + 1] = a + 1
    collateralAsset[a] = usdcRow
    collateralUnits[a] = 5_000 + rnd() * 50_000
  }
  return {
    accounts: { count: n, positionStart, positionInstrument, positionQty, collateralStart, collateralAsset, collateralUnits, cashUsd },
    assetPrice: Float64Array.of(1),
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
/** wall time and on-CPU time (user + system) of one call, ms: on a busy machine the CPU time shows the work itself */
function timed(f: () => void): { wall: number; cpu: number } {
  const c = process.cpuUsage()
  const t = performance.now()
  f()
  const wall = performance.now() - t
  const d = process.cpuUsage(c)
  return { wall, cpu: (d.user + d.system) / 1000 }
}
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20)

const t0 = performance.now()
const { accounts, assetPrice } = makeAccounts(N)
const tBuild = performance.now() - t0
const base = marketAt(spots)
const book = batch.load(accounts, assetPrice, base)
const S = book.prices.S
const btc = book.exposure.start[book.ctx.underlyingIndex.get('BTC')! + 1]! - book.exposure.start[book.ctx.underlyingIndex.get('BTC')!]!

const full: { wall: number; cpu: number }[] = []
for (let r = 0; r < RUNS; r++) {
  const m = marketAt({ ...spots, BTC: spots.BTC! * (1 + (r + 1) * 0.001) })
  full.push(timed(() => batch.revalueAll(book, m)))
}

const rssAfterFull = rssMb()

// incremental: each tick moves BTC 0.05% and re-checks the accounts exposed to BTC (≈ 44% of this book)
const tick: { wall: number; cpu: number }[] = []
let revalued = 0
let full1m = 0
for (let r = 0; r < RUNS * 3; r++) {
  const m = marketAt({ ...spots, BTC: spots.BTC! * (1 - (r + 1) * 0.0005) })
  tick.push(
    timed(() => {
      revalued = batch.tick(book, m, 'BTC')
    }),
  )
  full1m += book.lastTick.revaluedInFull
}

// a tick touching exactly 100 000 accounts: the same code path on a book of those accounts' size
const sub = makeAccounts(100_000)
for (let a = 0; a < sub.accounts.count; a++) {
  // pin position 0 of every account to BTC so all 100 000 are exposed to the tick
  sub.accounts.positionInstrument[a * POSITIONS] = rows[0]![a % rows[0]!.length]!
}
const subBook = batch.load(sub.accounts, sub.assetPrice, base)
const tick100k: { wall: number; cpu: number }[] = []
let revalued100k = 0
let full100k = 0
for (let r = 0; r < RUNS * 3; r++) {
  const m = marketAt({ ...spots, BTC: spots.BTC! * (1 + (r + 1) * 0.0005) })
  tick100k.push(
    timed(() => {
      revalued100k = batch.tick(subBook, m, 'BTC')
    }),
  )
  full100k += subBook.lastTick.revaluedInFull
}

// a jump: ±2% per tick, so more accounts change worst scenario and are revalued in full
const jump100k: { wall: number; cpu: number }[] = []
let fullJump = 0
for (let r = 0; r < RUNS * 3; r++) {
  const m = marketAt({ ...spots, BTC: spots.BTC! * (r % 2 ? 1 : 0.98) })
  jump100k.push(
    timed(() => {
      batch.tick(subBook, m, 'BTC')
    }),
  )
  fullJump += subBook.lastTick.revaluedInFull
}

let liquidatable = 0
for (let a = 0; a < N; a++) if (book.results.equityUsd[a]! < engine.params.mmMultiplier * book.results.riskUsd[a]!) liquidatable++

console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`)
const row = (task: string, xs: { wall: number; cpu: number }[]) => ({
  task,
  'median wall (ms)': Number(median(xs.map((x) => x.wall)).toFixed(1)),
  'min wall (ms)': Number(Math.min(...xs.map((x) => x.wall)).toFixed(1)),
  'median cpu (ms)': Number(median(xs.map((x) => x.cpu)).toFixed(1)),
  runs: xs.length,
})
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; built ${N} accounts in ${tBuild.toFixed(0)} ms`)
console.table([
  row(`full revaluation: ${N} accounts × ${POSITIONS} positions × ${S} scenarios (${batch.instruments.instruments.length} instruments)`, full),
  row(`tick on BTC (+0.05%): ${revalued} exposed accounts of ${N}, ${Math.round(full1m / tick.length)} revalued in full`, tick),
  row(`tick on BTC (+0.05%): ${revalued100k} exposed accounts, ${Math.round(full100k / tick100k.length)} revalued in full`, tick100k),
  row(`tick on BTC (±2%): ${revalued100k} exposed accounts, ${Math.round(fullJump / jump100k.length)} revalued in full`, jump100k),
])
console.log(
  `RSS after loading and revaluing ${N} accounts: ${rssAfterFull} MB; at the end (second book of 100 000 loaded): ${rssMb()} MB; accounts exposed to BTC: ${btc}; below MM: ${liquidatable}`,
)
