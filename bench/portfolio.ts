/**
 * Portfolio-margin batch benchmark: full revaluation of N accounts × 8 positions and their collateral over the default
 * scenario grid, and the incremental re-check after a tick on one underlying. Prints medians of several runs and the
 * resident set size.
 * Run: `pnpm --filter @unimargin/bench bench:portfolio` (or `npx tsx bench/portfolio.ts [accounts] [runs] [workers]`).
 * workers = 0 (default): the single-threaded `createBatchEngine`; workers ≥ 1: `createParallelBatchEngine` with that
 * many worker threads beside the main thread, over the same accounts allocated in shared memory.
 * The instruments are priced once per tick (instrument × scenario matrix), the accounts are typed arrays (see
 * `BatchAccounts`); risk-cancelling collateral (WETH, WBTC) rides as positions on collateral rows of that matrix.
 */
import os from 'node:os'
import { type BatchAccounts, type BatchBook, createBatchEngine, createParallelBatchEngine, createPortfolioEngine, type Instrument, type MarketState } from '@unimargin/risk'

const N = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 7)
const WORKERS = Number(process.argv[4] ?? 0)
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
const single = WORKERS > 0 ? null : createBatchEngine(engine)
const parallel = WORKERS > 0 ? createParallelBatchEngine(engine, { workers: WORKERS }) : null
const batch = {
  instruments: (single ?? parallel)!.instruments,
  assets: (single ?? parallel)!.assets,
  load: async (a: BatchAccounts, p: Float64Array, m: MarketState) => (single ? single.load(a, p, m) : parallel!.load(a, p, m)),
  revalueAll: async (b: BatchBook, m: MarketState) => (single ? single.revalueAll(b, m) : parallel!.revalueAll(b, m)),
  tick: async (b: BatchBook, m: MarketState, u: string, prices?: ReadonlyMap<number, number>) => (single ? single.tick(b, m, u, prices) : parallel!.tick(b, m, u, prices)),
}
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
// collateral assets: USDC and USDT (numeraire), WETH on Arbitrum and WBTC on Ethereum risk-cancelling (a delta-one row
// each in the matrix), WETH on Base plain (haircut only)
const usdcRow = batch.assets.add(1, '0xusdc', 'USDC')
const usdtRow = batch.assets.add(1, '0xusdt', 'USDT')
const wethRow = batch.assets.add(42161, '0xweth', 'ETH')
const wbtcRow = batch.assets.add(1, '0xwbtc', 'BTC')
const plainWethRow = batch.assets.add(8453, '0xweth', 'ETH')
const wethScenarioRow = batch.instruments.addCollateral(wethRow)
const wbtcScenarioRow = batch.instruments.addCollateral(wbtcRow)
const assetPrices = () => Float64Array.of(1, 1, spots.ETH!, spots.BTC!, spots.ETH!)

/** uniform in [0, 1) from an account index and a salt (the collateral mix, independent of the position draws) */
const hash = (a: number, salt: number) => (Math.imul(a ^ salt, 2654435761) >>> 0) / 2 ** 32
/** 30% of accounts hold risk-cancelling WETH, 12% WBTC, 25% plain collateral (USDT or WETH on Base), all USDC */
const holdsWeth = (a: number) => hash(a, 0x5bd1e995) < 0.3
const holdsWbtc = (a: number) => !holdsWeth(a) && hash(a, 0x5bd1e995) < 0.42
const holdsPlain = (a: number) => hash(a, 0x27d4eb2f) < 0.25
const shared = WORKERS > 0
const f64 = (n: number) => (shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n))
const u32 = (n: number) => (shared ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n))
const u16 = (n: number) => (shared ? new Uint16Array(new SharedArrayBuffer(2 * n)) : new Uint16Array(n))

/**
 * Deterministic pseudo-random accounts: 8 distinct instruments over 1-3 underlyings; USDC collateral, and for a share
 * of accounts risk-cancelling WETH (1% MM / 2% IM haircut, half with a 7 bps route-break loss) or WBTC (2% / 3%) after
 * the instruments, and plain collateral (USDT at 1%, WETH on Base at 10%). In shared memory when workers are used.
 */
function makeAccounts(n: number): { accounts: BatchAccounts; assetPrice: Float64Array } {
  let seed = 42
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0
    return seed / 2 ** 32
  }
  let nnz = 0
  let nc = 0
  for (let a = 0; a < n; a++) {
    const rc = holdsWeth(a) || holdsWbtc(a) ? 1 : 0
    nnz += POSITIONS + rc
    nc += 1 + rc + (holdsPlain(a) ? 1 : 0)
  }
  const positionStart = u32(n + 1)
  const positionInstrument = u16(nnz)
  const positionQty = f64(nnz)
  const collateralStart = u32(n + 1)
  const collateralAsset = u16(nc)
  const collateralUnits = f64(nc)
  const collateralImUnits = f64(nc)
  const collateralBreakUnits = f64(nc)
  const cashUsd = f64(n)
  const names = Object.keys(spots)
  let p = 0
  let c = 0
  const item = (asset: number, units: number, haircut: number, imHaircut: number, breakLoss: number) => {
    collateralAsset[c] = asset
    collateralUnits[c] = units * (1 - haircut)
    collateralImUnits[c] = units * (imHaircut - haircut)
    collateralBreakUnits[c] = units * breakLoss
    c++
  }
  for (let a = 0; a < n; a++) {
    const k = 1 + Math.floor(rnd() * 3)
    const first = Math.floor(rnd() * names.length)
    const p0 = p
    for (let j = 0; j < POSITIONS; j++) {
      const u = (first + (j % k)) % names.length
      const list = rows[u]!
      let row: number
      do row = list[Math.floor(rnd() * list.length)]!
      while (positionInstrument.subarray(p0, p).includes(row))
      positionInstrument[p] = row
      positionQty[p++] = ((rnd() - 0.5) * 20_000) / spots[names[u]!]!
    }
    item(usdcRow, 5_000 + rnd() * 50_000, 0, 0, 0)
    if (holdsWeth(a)) {
      const units = 0.5 + hash(a, 0x68e31da4) * 14.5
      item(wethRow, units, 0.01, 0.02, a % 2 ? 0.0007 : 0)
      positionInstrument[p] = wethScenarioRow
      positionQty[p++] = units
    } else if (holdsWbtc(a)) {
      const units = 0.02 + hash(a, 0x68e31da4) * 0.7
      item(wbtcRow, units, 0.02, 0.03, 0)
      positionInstrument[p] = wbtcScenarioRow
      positionQty[p++] = units
    }
    if (holdsPlain(a)) {
      if (a % 2) item(usdtRow, 1_000 + hash(a, 0x1b873593) * 20_000, 0.01, 0.01, 0)
      else item(plainWethRow, 0.3 + hash(a, 0x1b873593) * 5, 0.1, 0.1, 0)
    }
    positionStart[a + 1] = p
    collateralStart[a + 1] = c
  }
  return {
    accounts: { count: n, positionStart, positionInstrument, positionQty, collateralStart, collateralAsset, collateralUnits, collateralImUnits, collateralBreakUnits, cashUsd },
    assetPrice: assetPrices(),
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
/**
 * wall time and CPU time (user + system, every thread of the process) of one call, ms: on a busy machine the CPU time
 * shows the work itself; with worker threads it is the sum over the threads
 */
async function timed(f: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c = process.cpuUsage()
  const t = performance.now()
  await f()
  const wall = performance.now() - t
  const d = process.cpuUsage(c)
  return { wall, cpu: (d.user + d.system) / 1000 }
}
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20)
/** BTC at `price`, and WBTC with it (the risk-cancelling collateral row follows the asset price) */
const btcAt = (price: number) => ({ market: marketAt({ ...spots, BTC: price }), assets: new Map([[wbtcRow, price]]) })

const rssBefore = rssMb()
const t0 = performance.now()
const { accounts, assetPrice } = makeAccounts(N)
const tBuild = performance.now() - t0
const base = marketAt(spots)
const book = await batch.load(accounts, assetPrice, base)
const S = book.prices.S
const btc = book.exposure.start[book.ctx.underlyingIndex.get('BTC')! + 1]! - book.exposure.start[book.ctx.underlyingIndex.get('BTC')!]!
const positions = accounts.positionStart[N]!
const collateralItems = accounts.collateralStart[N]!

const full: { wall: number; cpu: number }[] = []
for (let r = 0; r < RUNS; r++) {
  const m = marketAt({ ...spots, BTC: spots.BTC! * (1 + (r + 1) * 0.001) })
  full.push(await timed(() => batch.revalueAll(book, m)))
}

const rssAfterFull = rssMb()
const heapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20)
const buffersMb = Math.round(process.memoryUsage().arrayBuffers / 2 ** 20)

// incremental: each tick moves BTC 0.05% and re-checks the accounts exposed to BTC (≈ 44% of this book)
const tick: { wall: number; cpu: number }[] = []
let revalued = 0
let full1m = 0
for (let r = 0; r < RUNS * 3; r++) {
  const { market, assets } = btcAt(spots.BTC! * (1 - (r + 1) * 0.0005))
  tick.push(
    await timed(async () => {
      revalued = await batch.tick(book, market, 'BTC', assets)
    }),
  )
  full1m += book.lastTick.revaluedInFull
}

// a tick touching exactly 100 000 accounts: the same code path on a book of those accounts' size
const sub = makeAccounts(100_000)
for (let a = 0; a < sub.accounts.count; a++) {
  // pin position 0 of every account to BTC so all 100 000 are exposed to the tick
  sub.accounts.positionInstrument[sub.accounts.positionStart[a]!] = rows[0]![a % rows[0]!.length]!
}
const subBook = await batch.load(sub.accounts, sub.assetPrice, base)
const tick100k: { wall: number; cpu: number }[] = []
let revalued100k = 0
let full100k = 0
for (let r = 0; r < RUNS * 3; r++) {
  const { market, assets } = btcAt(spots.BTC! * (1 + (r + 1) * 0.0005))
  tick100k.push(
    await timed(async () => {
      revalued100k = await batch.tick(subBook, market, 'BTC', assets)
    }),
  )
  full100k += subBook.lastTick.revaluedInFull
}

// a jump: ±2% per tick, so more accounts change worst scenario and are revalued in full
const jump100k: { wall: number; cpu: number }[] = []
let fullJump = 0
for (let r = 0; r < RUNS * 3; r++) {
  const { market, assets } = btcAt(spots.BTC! * (r % 2 ? 1 : 0.98))
  jump100k.push(
    await timed(async () => {
      await batch.tick(subBook, market, 'BTC', assets)
    }),
  )
  fullJump += subBook.lastTick.revaluedInFull
}

let liquidatable = 0
for (let a = 0; a < N; a++) if (book.results.equityUsd[a]! < engine.params.mmMultiplier * book.results.riskUsd[a]!) liquidatable++
await parallel?.close()

const threads = WORKERS > 0 ? `main thread + ${WORKERS} worker thread${WORKERS > 1 ? 's' : ''}` : 'single-threaded'
console.log(`${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${threads}`)
const row = (task: string, xs: { wall: number; cpu: number }[]) => ({
  task,
  'median wall (ms)': Number(median(xs.map((x) => x.wall)).toFixed(1)),
  'min wall (ms)': Number(Math.min(...xs.map((x) => x.wall)).toFixed(1)),
  'median cpu (ms)': Number(median(xs.map((x) => x.cpu)).toFixed(1)),
  runs: xs.length,
})
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; built ${N} accounts in ${tBuild.toFixed(0)} ms`)
console.log(`${positions} positions (${positions - N * POSITIONS} of them risk-cancelling collateral), ${collateralItems} collateral items`)
console.table([
  row(`full revaluation: ${N} accounts × ${POSITIONS} positions + collateral × ${S} scenarios (${batch.instruments.instruments.length} rows)`, full),
  row(`tick on BTC (+0.05%): ${revalued} exposed accounts of ${N}, ${Math.round(full1m / tick.length)} revalued in full`, tick),
  row(`tick on BTC (+0.05%): ${revalued100k} exposed accounts, ${Math.round(full100k / tick100k.length)} revalued in full`, tick100k),
  row(`tick on BTC (±2%): ${revalued100k} exposed accounts, ${Math.round(fullJump / jump100k.length)} revalued in full`, jump100k),
])
console.log(
  `RSS before building the accounts: ${rssBefore} MB; after loading and revaluing ${N} accounts: ${rssAfterFull} MB (typed arrays ${buffersMb} MB, JS heap ${heapMb} MB); at the end (second book of 100 000 loaded): ${rssMb()} MB; accounts exposed to BTC: ${btc}; below MM: ${liquidatable}`,
)
