import { type BatchResults, REGISTER_POSITIONS, revalueAccounts } from './kernel.js'
import type { BatchAccounts } from './layout.js'
import type { NakedShortIndex } from './nakedShort.js'
import type { KernelPrices } from './priceTable.js'

/**
 * Margin, relative to the account's gross scenario P&L Σ|qty|·max|row|, that the shortcut must clear. The float sums
 * of up to eight terms err by less than 1e-15 of that gross; 1e-10 leaves room for the bound's own arithmetic.
 */
const CERTIFY_SLACK = 1e-10

/**
 * Incremental re-check after a tick on underlying `u`, with results equal to a full revaluation
 * (`revalueAccounts`), bit for bit. For each account, with the previous lowest counted P&L W at scenario s₀ and a
 * lower bound G of the gap to the second-lowest:
 *   pnl'[s] = pnl[s] + Δ[s],  Δ[s] = Σ_{p on u} qty_p·(row'_p[s] − row_p[s]) ≥ L = Σ_{p on u} min_s qty_p·(row'_p − row_p)[s],
 * so every s ≠ s₀ has pnl'[s] ≥ W + G + L. When pnl'[s₀] (summed exactly as the full kernel sums it) is below that
 * bound by more than a float-rounding slack, s₀ is still the (unique) worst scenario: the account is updated from
 * pnl'[s₀] alone, and its gap bound becomes that margin. Otherwise it is revalued in full. The per-row extremes of
 * row' − row are computed once per tick, so a shortcut costs one scenario and a few loads per position instead of
 * 8·S multiply-adds; a full revaluation restores exact gaps.
 * @param previous the matrix before the tick (only the rows of `u` are read)
 * @param u index of the ticked underlying
 * @returns how many accounts had to be revalued in full
 */
export function recheckAccounts(
  accounts: BatchAccounts,
  prices: KernelPrices,
  previous: Float64Array,
  u: number,
  assetPrice: Float64Array,
  naked: NakedShortIndex,
  out: BatchResults,
  which: Uint32Array,
  whichCount = which.length,
): number {
  const S = prices.S
  const W = prices.stride
  const V = S
  const C = S + 1
  const A = S + 2
  const M = prices.matrix
  const P = previous
  const under = prices.underlyingOf
  const start = accounts.positionStart
  const inst = accounts.positionInstrument
  const qty = accounts.positionQty
  const cStart = accounts.collateralStart
  const cAsset = accounts.collateralAsset
  const cUnits = accounts.collateralUnits
  const cash = accounts.cashUsd
  const nStart = naked.start
  const nUnderlying = naked.underlying
  const nUnits = naked.units
  const nakedRate = prices.nakedRateByUnderlying
  const Z = prices.zeroRow * W
  // per row of u: min and max over scenarios of (row' − row), and the scale of both rows
  const I = under.length
  const dLow = new Float64Array(I)
  const dHigh = new Float64Array(I)
  const dScale = new Float64Array(I)
  for (let i = 0; i < I; i++) {
    if (under[i] !== u) continue
    const b = i * W
    let lo = Number.POSITIVE_INFINITY
    let hi = Number.NEGATIVE_INFINITY
    for (let s = 0; s < S; s++) {
      const d = M[b + s]! - P[b + s]!
      if (d < lo) lo = d
      if (d > hi) hi = d
    }
    dLow[i] = lo
    dHigh[i] = hi
    dScale[i] = M[b + A]! + P[b + A]!
  }
  const redo = new Uint32Array(whichCount)
  let redoCount = 0
  for (let k = 0; k < whichCount; k++) {
    const a = which[k]!
    const p0 = start[a]!
    const p1 = start[a + 1]!
    const n = p1 - p0
    const s0 = out.worstScenario[a]!
    if (n === 0 || n > REGISTER_POSITIONS || s0 === 0xffff) {
      redo[redoCount++] = a
      continue
    }
    // the worst scenario's P&L, the gross scale, Σ qty·value and Σ |qty|·contingency, summed as the kernel sums them
    let x: number
    let gross: number
    let valueSum: number
    let cont: number
    if (n <= 8) {
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
      x = q0 * M[b0 + s0]! + q1 * M[b1 + s0]! + q2 * M[b2 + s0]! + q3 * M[b3 + s0]! + q4 * M[b4 + s0]! + q5 * M[b5 + s0]! + q6 * M[b6 + s0]! + q7 * M[b7 + s0]!
      gross = Math.abs(q0) * M[b0 + A]! + Math.abs(q1) * M[b1 + A]! + Math.abs(q2) * M[b2 + A]! + Math.abs(q3) * M[b3 + A]! + Math.abs(q4) * M[b4 + A]! + Math.abs(q5) * M[b5 + A]! + Math.abs(q6) * M[b6 + A]! + Math.abs(q7) * M[b7 + A]!
      valueSum = q0 * M[b0 + V]! + q1 * M[b1 + V]! + q2 * M[b2 + V]! + q3 * M[b3 + V]! + q4 * M[b4 + V]! + q5 * M[b5 + V]! + q6 * M[b6 + V]! + q7 * M[b7 + V]!
      cont = Math.abs(q0) * M[b0 + C]! + Math.abs(q1) * M[b1 + C]! + Math.abs(q2) * M[b2 + C]! + Math.abs(q3) * M[b3 + C]! + Math.abs(q4) * M[b4 + C]! + Math.abs(q5) * M[b5 + C]! + Math.abs(q6) * M[b6 + C]! + Math.abs(q7) * M[b7 + C]!
    } else {
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
      x = q0 * M[b0 + s0]! + q1 * M[b1 + s0]! + q2 * M[b2 + s0]! + q3 * M[b3 + s0]! + q4 * M[b4 + s0]! + q5 * M[b5 + s0]! + q6 * M[b6 + s0]! + q7 * M[b7 + s0]! + q8 * M[b8 + s0]! + q9 * M[b9 + s0]! + q10 * M[b10 + s0]! + q11 * M[b11 + s0]!
      gross = Math.abs(q0) * M[b0 + A]! + Math.abs(q1) * M[b1 + A]! + Math.abs(q2) * M[b2 + A]! + Math.abs(q3) * M[b3 + A]! + Math.abs(q4) * M[b4 + A]! + Math.abs(q5) * M[b5 + A]! + Math.abs(q6) * M[b6 + A]! + Math.abs(q7) * M[b7 + A]! + Math.abs(q8) * M[b8 + A]! + Math.abs(q9) * M[b9 + A]! + Math.abs(q10) * M[b10 + A]! + Math.abs(q11) * M[b11 + A]!
      valueSum = q0 * M[b0 + V]! + q1 * M[b1 + V]! + q2 * M[b2 + V]! + q3 * M[b3 + V]! + q4 * M[b4 + V]! + q5 * M[b5 + V]! + q6 * M[b6 + V]! + q7 * M[b7 + V]! + q8 * M[b8 + V]! + q9 * M[b9 + V]! + q10 * M[b10 + V]! + q11 * M[b11 + V]!
      cont = Math.abs(q0) * M[b0 + C]! + Math.abs(q1) * M[b1 + C]! + Math.abs(q2) * M[b2 + C]! + Math.abs(q3) * M[b3 + C]! + Math.abs(q4) * M[b4 + C]! + Math.abs(q5) * M[b5 + C]! + Math.abs(q6) * M[b6 + C]! + Math.abs(q7) * M[b7 + C]! + Math.abs(q8) * M[b8 + C]! + Math.abs(q9) * M[b9 + C]! + Math.abs(q10) * M[b10 + C]! + Math.abs(q11) * M[b11 + C]!
    }
    // lower bound of Δ over scenarios, from the positions on u
    let low = 0
    let scale = 0
    for (let p = p0; p < p1; p++) {
      const i = inst[p]!
      if (under[i] !== u) continue
      const q = qty[p]!
      low += q > 0 ? q * dLow[i]! : q * dHigh[i]!
      scale += (q < 0 ? -q : q) * dScale[i]!
    }
    const w = out.minPnlUsd[a]!
    const g = out.gapUsd[a]!
    const bound = w + g + low
    const slack = CERTIFY_SLACK * (gross + scale + (w < 0 ? -w : w) + 1)
    if (!(x < bound - slack)) {
      redo[redoCount++] = a
      continue
    }
    let equity = cash[a]!
    for (let c = cStart[a]!; c < cStart[a + 1]!; c++) equity += cUnits[c]! * assetPrice[cAsset[c]!]!
    equity += valueSum
    for (let j = nStart[a]!; j < nStart[a + 1]!; j++) cont += nUnits[j]! * nakedRate[nUnderlying[j]!]!
    out.equityUsd[a] = equity
    out.riskUsd[a] = (x < 0 ? -x : 0) + cont
    out.minPnlUsd[a] = x
    out.gapUsd[a] = bound - slack - x
  }
  if (redoCount > 0) revalueAccounts(accounts, prices, assetPrice, naked, out, redo, redoCount)
  return redoCount
}
