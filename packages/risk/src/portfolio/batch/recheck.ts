import { type BatchResults, REGISTER_POSITIONS, revalueAccounts } from './kernel.js'
import { registerWidth } from './scenarioMin.js'
import type { BatchAccounts } from './layout.js'
import type { NakedShortIndex } from './nakedShort.js'
import type { KernelPrices } from './priceTable.js'

/**
 * Margin, relative to the account's gross scenario P&L Σ|qty|·max|row| (rows of the ticked underlying counted at their
 * max |P&L| before plus after the tick), that the shortcut must clear. The float sums of up to twelve terms err by less
 * than 2e-15 of that gross; 1e-10 leaves room for the bound's own arithmetic (its mid/half-width form errs by a few
 * 1e-16 of the change's scale).
 */
const CERTIFY_SLACK = 1e-10

/** 1 when the kernel pads a book of n ≤ `REGISTER_POSITIONS` positions with zero rows (n below its register width) */
const PADDED = Uint8Array.from({ length: REGISTER_POSITIONS + 1 }, (_, n) => (registerWidth(n) > n ? 1 : 0))

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
  // per row, five numbers side by side (a small table that stays in the first-level cache): value, contingency,
  // scale (max |P&L| of the row now and, for rows of u, before), and for rows of u the middle and half-width of
  // [min, max] over scenarios of (row' − row), so that min_s q·(row' − row)[s] = q·mid − |q|·half for either sign of q
  // (no branch on the sign); other rows have mid = half = 0 and add zeros to the bound
  const I = under.length
  const aux = new Float64Array(5 * I)
  for (let i = 0; i < I; i++) {
    const b = i * W
    aux[5 * i] = M[b + V]!
    aux[5 * i + 1] = M[b + C]!
    aux[5 * i + 2] = M[b + A]!
    if (under[i] !== u) continue
    let lo = Number.POSITIVE_INFINITY
    let hi = Number.NEGATIVE_INFINITY
    for (let s = 0; s < S; s++) {
      const d = M[b + s]! - P[b + s]!
      if (d < lo) lo = d
      if (d > hi) hi = d
    }
    aux[5 * i + 2] = M[b + A]! + P[b + A]!
    aux[5 * i + 3] = (lo + hi) / 2
    aux[5 * i + 4] = (hi - lo) / 2
  }
  const equityOut = out.equityUsd
  const riskOut = out.riskUsd
  const minOut = out.minPnlUsd
  const gapOut = out.gapUsd
  const worstOut = out.worstScenario
  const redo = new Uint32Array(whichCount)
  let redoCount = 0
  for (let k = 0; k < whichCount; k++) {
    const a = which[k]!
    const p0 = start[a]!
    const p1 = start[a + 1]!
    const n = p1 - p0
    const s0 = worstOut[a]!
    if (n === 0 || n > REGISTER_POSITIONS || s0 === 0xffff) {
      redo[redoCount++] = a
      continue
    }
    // the worst scenario's P&L, Σ qty·value and Σ |qty|·contingency, summed as the kernel sums them: left to right,
    // then the padding of its register width (`REGISTER_WIDTHS`; zeros: + 0 turns a −0 into +0 and changes nothing
    // else); the scale of the sums' rounding; and the lower bound of Δ over scenarios
    const i0 = inst[p0]!
    const q0 = qty[p0]!
    const m0 = Math.abs(q0)
    let x = q0 * M[i0 * W + s0]!
    let valueSum = q0 * aux[5 * i0]!
    let cont = m0 * aux[5 * i0 + 1]!
    let scale = m0 * aux[5 * i0 + 2]!
    let low = q0 * aux[5 * i0 + 3]! - m0 * aux[5 * i0 + 4]!
    for (let p = p0 + 1; p < p1; p++) {
      const i = inst[p]!
      const o = 5 * i
      const q = qty[p]!
      const m = Math.abs(q)
      x += q * M[i * W + s0]!
      valueSum += q * aux[o]!
      cont += m * aux[o + 1]!
      scale += m * aux[o + 2]!
      low += q * aux[o + 3]! - m * aux[o + 4]!
    }
    if (PADDED[n] === 1) {
      x += 0
      valueSum += 0
      cont += 0
    }
    const w = minOut[a]!
    const g = gapOut[a]!
    const bound = w + g + low
    const slack = CERTIFY_SLACK * (scale + (w < 0 ? -w : w) + 1)
    if (!(x < bound - slack)) {
      redo[redoCount++] = a
      continue
    }
    let equity = cash[a]!
    const c1 = cStart[a + 1]!
    for (let c = cStart[a]!; c < c1; c++) equity += cUnits[c]! * assetPrice[cAsset[c]!]!
    equity += valueSum
    const j1 = nStart[a + 1]!
    for (let j = nStart[a]!; j < j1; j++) cont += nUnits[j]! * nakedRate[nUnderlying[j]!]!
    equityOut[a] = equity
    riskOut[a] = (x < 0 ? -x : 0) + cont
    minOut[a] = x
    gapOut[a] = bound - slack - x
  }
  if (redoCount > 0) revalueAccounts(accounts, prices, assetPrice, naked, out, redo, redoCount)
  return redoCount
}
