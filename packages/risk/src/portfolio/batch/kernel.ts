import type { BatchAccounts } from './layout.js'
import type { NakedShortIndex } from './nakedShort.js'
import type { KernelPrices } from './priceTable.js'
import { minOf4, minOf8, minOf9, minOf10, minOf12, minOfMany, REGISTER_WIDTHS } from './scenarioMin.js'

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
 * threads) gives the same bits.
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
  const argmin = new Int32Array(1)
  const second = new Float64Array(1)
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
    if (n <= 4) {
      const b0 = inst[p0]! * W
      const b1 = n > 1 ? inst[p0 + 1]! * W : Z
      const b2 = n > 2 ? inst[p0 + 2]! * W : Z
      const b3 = n > 3 ? inst[p0 + 3]! * W : Z
      const q0 = qty[p0]!
      const q1 = n > 1 ? qty[p0 + 1]! : 0
      const q2 = n > 2 ? qty[p0 + 2]! : 0
      const q3 = n > 3 ? qty[p0 + 3]! : 0
      equity += q0 * M[b0 + V]! + q1 * M[b1 + V]! + q2 * M[b2 + V]! + q3 * M[b3 + V]!
      cont = Math.abs(q0) * M[b0 + C]! + Math.abs(q1) * M[b1 + C]! + Math.abs(q2) * M[b2 + C]! + Math.abs(q3) * M[b3 + C]!
      min = minOf4(M, S, b0, b1, b2, b3, q0, q1, q2, q3, argmin, second)
    } else if (n <= 8) {
      const b0 = inst[p0]! * W
      const b1 = n > 1 ? inst[p0 + 1]! * W : Z
      const b2 = n > 2 ? inst[p0 + 2]! * W : Z
      const b3 = n > 3 ? inst[p0 + 3]! * W : Z
      const b4 = n > 4 ? inst[p0 + 4]! * W : Z
      const b5 = n > 5 ? inst[p0 + 5]! * W : Z
      const b6 = n > 6 ? inst[p0 + 6]! * W : Z
      const b7 = n > 7 ? inst[p0 + 7]! * W : Z
      const q0 = qty[p0]!
      const q1 = n > 1 ? qty[p0 + 1]! : 0
      const q2 = n > 2 ? qty[p0 + 2]! : 0
      const q3 = n > 3 ? qty[p0 + 3]! : 0
      const q4 = n > 4 ? qty[p0 + 4]! : 0
      const q5 = n > 5 ? qty[p0 + 5]! : 0
      const q6 = n > 6 ? qty[p0 + 6]! : 0
      const q7 = n > 7 ? qty[p0 + 7]! : 0
      equity += q0 * M[b0 + V]! + q1 * M[b1 + V]! + q2 * M[b2 + V]! + q3 * M[b3 + V]! + q4 * M[b4 + V]! + q5 * M[b5 + V]! + q6 * M[b6 + V]! + q7 * M[b7 + V]!
      cont = Math.abs(q0) * M[b0 + C]! + Math.abs(q1) * M[b1 + C]! + Math.abs(q2) * M[b2 + C]! + Math.abs(q3) * M[b3 + C]! + Math.abs(q4) * M[b4 + C]! + Math.abs(q5) * M[b5 + C]! + Math.abs(q6) * M[b6 + C]! + Math.abs(q7) * M[b7 + C]!
      min = minOf8(M, S, b0, b1, b2, b3, b4, b5, b6, b7, q0, q1, q2, q3, q4, q5, q6, q7, argmin, second)
    } else if (n <= 9) {
      const b0 = inst[p0]! * W
      const b1 = n > 1 ? inst[p0 + 1]! * W : Z
      const b2 = n > 2 ? inst[p0 + 2]! * W : Z
      const b3 = n > 3 ? inst[p0 + 3]! * W : Z
      const b4 = n > 4 ? inst[p0 + 4]! * W : Z
      const b5 = n > 5 ? inst[p0 + 5]! * W : Z
      const b6 = n > 6 ? inst[p0 + 6]! * W : Z
      const b7 = n > 7 ? inst[p0 + 7]! * W : Z
      const b8 = n > 8 ? inst[p0 + 8]! * W : Z
      const q0 = qty[p0]!
      const q1 = n > 1 ? qty[p0 + 1]! : 0
      const q2 = n > 2 ? qty[p0 + 2]! : 0
      const q3 = n > 3 ? qty[p0 + 3]! : 0
      const q4 = n > 4 ? qty[p0 + 4]! : 0
      const q5 = n > 5 ? qty[p0 + 5]! : 0
      const q6 = n > 6 ? qty[p0 + 6]! : 0
      const q7 = n > 7 ? qty[p0 + 7]! : 0
      const q8 = n > 8 ? qty[p0 + 8]! : 0
      equity += q0 * M[b0 + V]! + q1 * M[b1 + V]! + q2 * M[b2 + V]! + q3 * M[b3 + V]! + q4 * M[b4 + V]! + q5 * M[b5 + V]! + q6 * M[b6 + V]! + q7 * M[b7 + V]! + q8 * M[b8 + V]!
      cont = Math.abs(q0) * M[b0 + C]! + Math.abs(q1) * M[b1 + C]! + Math.abs(q2) * M[b2 + C]! + Math.abs(q3) * M[b3 + C]! + Math.abs(q4) * M[b4 + C]! + Math.abs(q5) * M[b5 + C]! + Math.abs(q6) * M[b6 + C]! + Math.abs(q7) * M[b7 + C]! + Math.abs(q8) * M[b8 + C]!
      min = minOf9(M, S, b0, b1, b2, b3, b4, b5, b6, b7, b8, q0, q1, q2, q3, q4, q5, q6, q7, q8, argmin, second)
    } else if (n <= 10) {
      const b0 = inst[p0]! * W
      const b1 = n > 1 ? inst[p0 + 1]! * W : Z
      const b2 = n > 2 ? inst[p0 + 2]! * W : Z
      const b3 = n > 3 ? inst[p0 + 3]! * W : Z
      const b4 = n > 4 ? inst[p0 + 4]! * W : Z
      const b5 = n > 5 ? inst[p0 + 5]! * W : Z
      const b6 = n > 6 ? inst[p0 + 6]! * W : Z
      const b7 = n > 7 ? inst[p0 + 7]! * W : Z
      const b8 = n > 8 ? inst[p0 + 8]! * W : Z
      const b9 = n > 9 ? inst[p0 + 9]! * W : Z
      const q0 = qty[p0]!
      const q1 = n > 1 ? qty[p0 + 1]! : 0
      const q2 = n > 2 ? qty[p0 + 2]! : 0
      const q3 = n > 3 ? qty[p0 + 3]! : 0
      const q4 = n > 4 ? qty[p0 + 4]! : 0
      const q5 = n > 5 ? qty[p0 + 5]! : 0
      const q6 = n > 6 ? qty[p0 + 6]! : 0
      const q7 = n > 7 ? qty[p0 + 7]! : 0
      const q8 = n > 8 ? qty[p0 + 8]! : 0
      const q9 = n > 9 ? qty[p0 + 9]! : 0
      equity += q0 * M[b0 + V]! + q1 * M[b1 + V]! + q2 * M[b2 + V]! + q3 * M[b3 + V]! + q4 * M[b4 + V]! + q5 * M[b5 + V]! + q6 * M[b6 + V]! + q7 * M[b7 + V]! + q8 * M[b8 + V]! + q9 * M[b9 + V]!
      cont = Math.abs(q0) * M[b0 + C]! + Math.abs(q1) * M[b1 + C]! + Math.abs(q2) * M[b2 + C]! + Math.abs(q3) * M[b3 + C]! + Math.abs(q4) * M[b4 + C]! + Math.abs(q5) * M[b5 + C]! + Math.abs(q6) * M[b6 + C]! + Math.abs(q7) * M[b7 + C]! + Math.abs(q8) * M[b8 + C]! + Math.abs(q9) * M[b9 + C]!
      min = minOf10(M, S, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, argmin, second)
    } else if (n <= 12) {
      const b0 = inst[p0]! * W
      const b1 = n > 1 ? inst[p0 + 1]! * W : Z
      const b2 = n > 2 ? inst[p0 + 2]! * W : Z
      const b3 = n > 3 ? inst[p0 + 3]! * W : Z
      const b4 = n > 4 ? inst[p0 + 4]! * W : Z
      const b5 = n > 5 ? inst[p0 + 5]! * W : Z
      const b6 = n > 6 ? inst[p0 + 6]! * W : Z
      const b7 = n > 7 ? inst[p0 + 7]! * W : Z
      const b8 = n > 8 ? inst[p0 + 8]! * W : Z
      const b9 = n > 9 ? inst[p0 + 9]! * W : Z
      const b10 = n > 10 ? inst[p0 + 10]! * W : Z
      const b11 = n > 11 ? inst[p0 + 11]! * W : Z
      const q0 = qty[p0]!
      const q1 = n > 1 ? qty[p0 + 1]! : 0
      const q2 = n > 2 ? qty[p0 + 2]! : 0
      const q3 = n > 3 ? qty[p0 + 3]! : 0
      const q4 = n > 4 ? qty[p0 + 4]! : 0
      const q5 = n > 5 ? qty[p0 + 5]! : 0
      const q6 = n > 6 ? qty[p0 + 6]! : 0
      const q7 = n > 7 ? qty[p0 + 7]! : 0
      const q8 = n > 8 ? qty[p0 + 8]! : 0
      const q9 = n > 9 ? qty[p0 + 9]! : 0
      const q10 = n > 10 ? qty[p0 + 10]! : 0
      const q11 = n > 11 ? qty[p0 + 11]! : 0
      equity += q0 * M[b0 + V]! + q1 * M[b1 + V]! + q2 * M[b2 + V]! + q3 * M[b3 + V]! + q4 * M[b4 + V]! + q5 * M[b5 + V]! + q6 * M[b6 + V]! + q7 * M[b7 + V]! + q8 * M[b8 + V]! + q9 * M[b9 + V]! + q10 * M[b10 + V]! + q11 * M[b11 + V]!
      cont = Math.abs(q0) * M[b0 + C]! + Math.abs(q1) * M[b1 + C]! + Math.abs(q2) * M[b2 + C]! + Math.abs(q3) * M[b3 + C]! + Math.abs(q4) * M[b4 + C]! + Math.abs(q5) * M[b5 + C]! + Math.abs(q6) * M[b6 + C]! + Math.abs(q7) * M[b7 + C]! + Math.abs(q8) * M[b8 + C]! + Math.abs(q9) * M[b9 + C]! + Math.abs(q10) * M[b10 + C]! + Math.abs(q11) * M[b11 + C]!
      min = minOf12(M, S, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, argmin, second)
      } else {
        for (let p = p0; p < p1; p++) {
          const b = inst[p]! * W
          const q = qty[p]!
          equity += q * M[b + V]!
          cont += Math.abs(q) * M[b + C]!
        }
        min = minOfMany(M, S, W, p0, p1, inst, qty, acc, argmin, second)
      }
      worstIndex = argmin[0]!
      gap = second[0]! - min
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
