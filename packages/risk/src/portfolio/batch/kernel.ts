import type { BatchAccounts } from './layout.js'
import type { NakedShortIndex } from './nakedShort.js'
import type { KernelPrices } from './priceTable.js'
import { minOfMany, REGISTER_WIDTHS, scan4, scan8, scan9, scan10, scan12 } from './scenarioMin.js'
import { wasm as threadWasm } from './wasmInstance.js'
import { CHUNK_ACCOUNTS, moduleChunks } from './wasmChunks.js'
import { RECHECK_FULL } from './wasmRecheck.js'
import { MATRIX_BYTE } from './wasmScan.js'

/** Per-account outputs of the batch engine, float64 USD (convert with `BatchEngine.accountRisk`). */
export type BatchResults = {
  /** equity, USD */
  equityUsd: Float64Array
  /** worst counted scenario loss + contingencies, USD (MM = m·risk, IM = i·risk) */
  riskUsd: Float64Array
  /** lowest counted scenario P&L, USD (worst loss = max(0, −minPnl); σ = worst loss / sigmaCoverage); 0 without positions */
  minPnlUsd: Float64Array
  /**
   * a lower bound of (second-lowest − lowest) counted P&L, USD: exact after a full revaluation, kept conservative by
   * incremental re-checks (`recheckAccounts`); +∞ without positions
   */
  gapUsd: Float64Array
  /** index of the worst scenario, 0xffff without positions */
  worstScenario: Uint16Array
}

/**
 * Allocates results for `count` accounts (34 bytes each).
 * @param options `shared`: in `SharedArrayBuffer`s, for worker threads writing disjoint accounts
 */
export function createBatchResults(count: number, options: { shared?: boolean } = {}): BatchResults {
  const f64 = () => (options.shared ? new Float64Array(new SharedArrayBuffer(8 * count)) : new Float64Array(count))
  return {
    equityUsd: f64(),
    riskUsd: f64(),
    minPnlUsd: f64(),
    gapUsd: f64(),
    worstScenario: options.shared ? new Uint16Array(new SharedArrayBuffer(2 * count)) : new Uint16Array(count),
  }
}

/**
 * Revalues accounts: for each, pnl[s] = Σ_p qty_p·matrix[inst_p·stride + s] (summed in position order, exactly as the
 * per-account engine does), worst = max(0, −min_s pnl[s]) (first scenario on ties), risk = worst + Σ|qty|·contingency
 * + Σ_u nakedUnits_u·nakedRate_u (`NakedShortIndex`), equity = cash + Σ units·assetPrice + Σ qty·value.
 * Up to `REGISTER_POSITIONS` positions (instruments and the risk-cancelling collateral rows after them) are summed
 * per scenario in registers, several scenarios per iteration, with no accumulator array (`scenarioMin.ts`: widths 4,
 * 8, 9, 10 and 12; missing positions are padded with the matrix's zero row, which adds exact zeros); the value and
 * contingency columns of the same rows give equity and contingencies without another pass. Longer books use an
 * accumulator. Each account is computed on its own, so any partition of the accounts (`revalueRange` on worker
 * threads) gives the same bits. With WebAssembly SIMD, a contiguous range (no `which`) goes to the module 1 024
 * accounts per call (`moduleChunks` in `RECHECK_FULL` mode: the same scans, then equity and contingencies in the
 * module), and a list of accounts goes account by account through the `scanN` functions; the bits are the same.
 * @param which account indices to revalue (default: all, in order)
 * @param whichCount how many entries of `which` to use
 */
export function revalueAccounts(
  accounts: BatchAccounts,
  prices: KernelPrices,
  assetPrice: Float64Array,
  naked: NakedShortIndex,
  out: BatchResults,
  which?: Uint32Array,
  whichCount = which ? which.length : accounts.count,
): void {
  revalue(accounts, prices, assetPrice, naked, out, which, 0, whichCount)
}

/**
 * Revalues the accounts `from` ≤ a < `to` (a contiguous range: the unit of work of a worker thread), exactly as
 * `revalueAccounts` does.
 * @throws {RangeError} when the range is not inside [0, accounts.count]
 */
export function revalueRange(accounts: BatchAccounts, prices: KernelPrices, assetPrice: Float64Array, naked: NakedShortIndex, out: BatchResults, from: number, to: number): void {
  if (!(from >= 0 && from <= to && to <= accounts.count)) throw new RangeError(`Batch: account range [${from}, ${to}) is outside [0, ${accounts.count}].`)
  revalue(accounts, prices, assetPrice, naked, out, undefined, from, to)
}

/** the re-check table of a revaluation (not read) */
const EMPTY = new Float64Array(0)
/** accounts a chunk leaves to the account-by-account path */
let skippedScratch = new Uint32Array(0)

/** Positions per account summed in registers (more: an accumulator array). */
export const REGISTER_POSITIONS = Math.max(...REGISTER_WIDTHS)

function revalue(
  accounts: BatchAccounts,
  prices: KernelPrices,
  assetPrice: Float64Array,
  naked: NakedShortIndex,
  out: BatchResults,
  which: Uint32Array | undefined,
  from: number,
  to: number,
): void {
  const S = prices.S
  const W = prices.stride
  const V = S // column of the value per unit
  const C = S + 1 // column of the contingency per unit
  const M = prices.matrix
  const nStart = naked.start
  const nUnderlying = naked.underlying
  const nUnits = naked.units
  const nakedRate = prices.nakedRateByUnderlying
  const start = accounts.positionStart
  const inst = accounts.positionInstrument
  const qty = accounts.positionQty
  const cStart = accounts.collateralStart
  const cAsset = accounts.collateralAsset
  const cUnits = accounts.collateralUnits
  const cash = accounts.cashUsd
  const acc = new Float64Array(S)
  // scan results: min, second lowest, index of the min, Σ qty·value, Σ |qty|·contingency
  const st = new Float64Array(5)
  const wasm = threadWasm
  const simd = wasm !== null
  if (simd && which === undefined && to > from) {
    // a contiguous range goes to WebAssembly a chunk of accounts at a time (`recheckRange` revaluing in full, arrays
    // copied in bulk); the accounts it leaves (no positions, more than REGISTER_POSITIONS) come back here one by one
    const chunks = moduleChunks(wasm, accounts, prices, EMPTY, assetPrice, naked, out)
    if (skippedScratch.length < CHUNK_ACCOUNTS) skippedScratch = new Uint32Array(CHUNK_ACCOUNTS)
    for (let k = from; k < to; k += CHUNK_ACCOUNTS) {
      const skipped = chunks.run(null, k, Math.min(to, k + CHUNK_ACCOUNTS), RECHECK_FULL, skippedScratch, 0)
      if (skipped > 0) revalue(accounts, prices, assetPrice, naked, out, skippedScratch.slice(0, skipped), 0, skipped)
    }
    return
  }
  if (simd) wasm.load(M)
  const rowByte = simd ? wasm.i32 : new Int32Array(0)
  const qUnits = simd ? wasm.f64 : new Float64Array(0)
  const W8 = W * 8
  const S8 = S * 8
  const zeroByte = MATRIX_BYTE + prices.zeroRow * W8
  const scanW4 = wasm?.scan.get(4)
  const scanW8 = wasm?.scan.get(8)
  const scanW9 = wasm?.scan.get(9)
  const scanW10 = wasm?.scan.get(10)
  const scanW12 = wasm?.scan.get(12)
  const Z = prices.zeroRow * W
  const equityOut = out.equityUsd
  const riskOut = out.riskUsd
  const minOut = out.minPnlUsd
  const gapOut = out.gapUsd
  const worstOut = out.worstScenario
  for (let k = from; k < to; k++) {
    const a = which ? which[k]! : k
    const p0 = start[a]!
    const p1 = start[a + 1]!
    let equity = cash[a]!
    const c1 = cStart[a + 1]!
    for (let c = cStart[a]!; c < c1; c++) equity += cUnits[c]! * assetPrice[cAsset[c]!]!
    let cont = 0
    let min = 0
    let gap = Number.POSITIVE_INFINITY
    let worstIndex = 0xffff
    const n = p1 - p0
    if (n > 0) {
      if (simd && n <= REGISTER_POSITIONS) {
        // the same sums in WebAssembly, two scenarios per vector (`wasmScan.ts`)
        for (let j = 0; j < n; j++) {
          rowByte[j] = MATRIX_BYTE + inst[p0 + j]! * W8
          qUnits[8 + j] = qty[p0 + j]!
        }
        if (n === 8) scanW8!(S, S8)
        else if (n === 9) scanW9!(S, S8)
        else {
          const width = n <= 4 ? 4 : n < 8 ? 8 : n === 10 ? 10 : 12
          for (let j = n; j < width; j++) {
            rowByte[j] = zeroByte
            qUnits[8 + j] = 0
          }
          if (width === 4) scanW4!(S, S8)
          else if (width === 8) scanW8!(S, S8)
          else if (width === 10) scanW10!(S, S8)
          else scanW12!(S, S8)
        }
        equity += qUnits[23]!
        cont = qUnits[24]!
        min = qUnits[20]!
        worstIndex = qUnits[22]!
        gap = qUnits[21]! - min
      } else {
        if (n <= 8) {
          if (n <= 4) scan4(M, S, W, Z, inst, qty, p0, n, st)
          else scan8(M, S, W, Z, inst, qty, p0, n, st)
        } else if (n <= 10) {
          if (n === 9) scan9(M, S, W, Z, inst, qty, p0, n, st)
          else scan10(M, S, W, Z, inst, qty, p0, n, st)
        } else if (n <= 12) scan12(M, S, W, Z, inst, qty, p0, n, st)
        else {
          st[3] = 0
          st[4] = 0
          for (let p = p0; p < p1; p++) {
            const b = inst[p]! * W
            const q = qty[p]!
            st[3] = st[3]! + q * M[b + V]!
            st[4] = st[4]! + Math.abs(q) * M[b + C]!
          }
          minOfMany(M, S, W, p0, p1, inst, qty, acc, st)
        }
        equity += st[3]!
        cont = st[4]!
        min = st[0]!
        worstIndex = st[2]!
        gap = st[1]! - min
      }
    }
    const n1 = nStart[a + 1]!
    for (let j = nStart[a]!; j < n1; j++) cont += nUnits[j]! * nakedRate[nUnderlying[j]!]!
    equityOut[a] = equity
    riskOut[a] = (min < 0 ? -min : 0) + cont
    minOut[a] = min
    gapOut[a] = gap
    worstOut[a] = worstIndex
  }
}
