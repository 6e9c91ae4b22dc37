import type { BatchAccounts } from './layout.js'
import type { BatchPrices } from './priceTable.js'

/** Per-account outputs of the batch engine, float64 USD (convert with `BatchEngine.accountRisk`). */
export type BatchResults = {
  /** equity, USD */
  equityUsd: Float64Array
  /** worst counted scenario loss + contingencies, USD (MM = m·risk, IM = i·risk) */
  riskUsd: Float64Array
  /** worst counted scenario loss alone, USD (σ = this / sigmaCoverage) */
  worstLossUsd: Float64Array
  /** index of the worst scenario, 0xffff without positions */
  worstScenario: Uint16Array
}

/** Allocates results for `count` accounts. */
export function createBatchResults(count: number): BatchResults {
  return { equityUsd: new Float64Array(count), riskUsd: new Float64Array(count), worstLossUsd: new Float64Array(count), worstScenario: new Uint16Array(count) }
}

/**
 * Revalues accounts: for each, pnl[s] = Σ_p qty_p·matrix[inst_p·S + s] (summed in position order, exactly as the
 * per-account engine does), worst = max(0, −min_s pnl[s]) (first scenario on ties), risk = worst + Σ|qty|·contingency
 * + Σ_groups max(0, −net)·nakedRate, equity = cash + Σ units·assetPrice + Σ qty·value.
 * Up to eight positions are summed per scenario in registers (no accumulator array; missing ones are padded with the
 * matrix's zero row, which adds exact zeros); longer books accumulate eight at a time.
 * @param which account indices to revalue (default: all, in order)
 * @param whichCount how many entries of `which` to use
 */
export function revalueAccounts(
  accounts: BatchAccounts,
  prices: BatchPrices,
  assetPrice: Float64Array,
  out: BatchResults,
  which?: Uint32Array,
  whichCount = which ? which.length : accounts.count,
): void {
  const S = prices.S
  const M = prices.matrix
  const value = prices.value
  const contingency = prices.contingency
  const group = prices.strikeGroup
  const start = accounts.positionStart
  const inst = accounts.positionInstrument
  const qty = accounts.positionQty
  const cStart = accounts.collateralStart
  const cAsset = accounts.collateralAsset
  const cUnits = accounts.collateralUnits
  const cash = accounts.cashUsd
  const acc = new Float64Array(S)
  const argmin = new Int32Array(1)
  const Z = prices.zeroRow * S
  // net size per strike group of the current account; nakedShort resets what it reads
  const groupNet = new Float64Array(prices.groupCount)
  for (let k = 0; k < whichCount; k++) {
    const a = which ? which[k]! : k
    const p0 = start[a]!
    const p1 = start[a + 1]!
    let equity = cash[a]!
    for (let c = cStart[a]!; c < cStart[a + 1]!; c++) equity += cUnits[c]! * assetPrice[cAsset[c]!]!
    let cont = 0
    let options = -1
    for (let p = p0; p < p1; p++) {
      const i = inst[p]!
      const q = qty[p]!
      equity += q * value[i]!
      cont += Math.abs(q) * contingency[i]!
      const g = group[i]!
      if (g >= 0) groupNet[g] = groupNet[g]! + q
      options &= g
    }
    let worst = 0
    let worstIndex = 0xffff
    const n = p1 - p0
    if (n > 0) {
      const min =
        n <= 8
          ? minOf8(
              M,
              S,
              inst[p0]! * S,
              n > 1 ? inst[p0 + 1]! * S : Z,
              n > 2 ? inst[p0 + 2]! * S : Z,
              n > 3 ? inst[p0 + 3]! * S : Z,
              n > 4 ? inst[p0 + 4]! * S : Z,
              n > 5 ? inst[p0 + 5]! * S : Z,
              n > 6 ? inst[p0 + 6]! * S : Z,
              n > 7 ? inst[p0 + 7]! * S : Z,
              qty[p0]!,
              n > 1 ? qty[p0 + 1]! : 0,
              n > 2 ? qty[p0 + 2]! : 0,
              n > 3 ? qty[p0 + 3]! : 0,
              n > 4 ? qty[p0 + 4]! : 0,
              n > 5 ? qty[p0 + 5]! : 0,
              n > 6 ? qty[p0 + 6]! : 0,
              n > 7 ? qty[p0 + 7]! : 0,
              argmin,
            )
          : minOfMany(M, S, p0, p1, inst, qty, acc, argmin)
      worstIndex = argmin[0]!
      worst = min < 0 ? -min : 0
      if (options !== -1) cont = nakedShort(cont, p0, p1, inst, group, groupNet, prices.nakedRate)
    }
    out.equityUsd[a] = equity
    out.riskUsd[a] = worst + cont
    out.worstLossUsd[a] = worst
    out.worstScenario[a] = worstIndex
  }
}

/** min over s of Σ_{j<8} q_j·M[b_j + s] (left to right), its index in `argmin[0]` (first on ties). */
function minOf8(
  M: Float64Array,
  S: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  b4: number,
  b5: number,
  b6: number,
  b7: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
  q6: number,
  q7: number,
  argmin: Int32Array,
): number {
  let min = Number.POSITIVE_INFINITY
  let w = 0
  for (let s = 0; s < S; s++) {
    const v = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]!
    if (v < min) {
      min = v
      w = s
    }
  }
  argmin[0] = w
  return min
}

/** The same for more than eight positions, with an accumulator (sums still left to right in position order). */
function minOfMany(M: Float64Array, S: number, p0: number, p1: number, inst: Uint32Array, qty: Float64Array, acc: Float64Array, argmin: Int32Array): number {
  const b0 = inst[p0]! * S
  const q0 = qty[p0]!
  for (let s = 0; s < S; s++) acc[s] = q0 * M[b0 + s]!
  for (let p = p0 + 1; p < p1; p++) {
    const b = inst[p]! * S
    const q = qty[p]!
    for (let s = 0; s < S; s++) acc[s] = acc[s]! + q * M[b + s]!
  }
  let min = Number.POSITIVE_INFINITY
  let w = 0
  for (let s = 0; s < S; s++) {
    if (acc[s]! < min) {
      min = acc[s]!
      w = s
    }
  }
  argmin[0] = w
  return min
}

/**
 * `charge` + Σ over the account's strike groups of max(0, −net)·rate, in order of first appearance, with the nets
 * already summed (in position order) into `groupNet`; each group's entry is read once and reset to 0.
 */
function nakedShort(charge: number, p0: number, p1: number, inst: Uint32Array, group: Int32Array, groupNet: Float64Array, rate: Float64Array): number {
  for (let p = p0; p < p1; p++) {
    const i = inst[p]!
    const g = group[i]!
    if (g < 0) continue
    const net = groupNet[g]!
    groupNet[g] = 0
    if (net < 0) charge += -net * rate[i]!
  }
  return charge
}
