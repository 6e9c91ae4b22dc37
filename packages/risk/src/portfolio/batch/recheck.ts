import { type BatchResults, REGISTER_POSITIONS, revalueAccounts } from './kernel.js'
import { registerWidth } from './scenarioMin.js'
import type { BatchAccounts } from './layout.js'
import type { NakedShortIndex } from './nakedShort.js'
import type { KernelPrices } from './priceTable.js'
import { wasm } from './wasmInstance.js'
import { CHUNK_ACCOUNTS, moduleChunks } from './wasmChunks.js'
import { CERTIFY_SLACK, RECHECK_ROW } from './wasmRecheck.js'

/** 1 when the kernel pads a book of n ≤ `REGISTER_POSITIONS` positions with zero rows (n below its register width) */
const PADDED = Uint8Array.from({ length: REGISTER_POSITIONS + 1 }, (_, n) => (registerWidth(n) > n ? 1 : 0))

/**
 * Accounts a chunk may span (first to last exposed, inclusive): the chunk copies the arrays of all of them, so a
 * chunk whose exposed accounts are fewer than a quarter of its span goes through the JavaScript loop instead.
 */
const CHUNK_SPAN = 4 * CHUNK_ACCOUNTS

/** accounts to revalue in full, reused across ticks (the re-check runs synchronously, one call at a time per thread) */
let redoScratch = new Uint32Array(0)

/**
 * Incremental re-check after a tick on underlying `u`, with results equal to a full revaluation
 * (`revalueAccounts`), bit for bit. For each account, with the previous lowest counted P&L W at scenario s₀ and a
 * lower bound G of the gap to the second-lowest:
 *   pnl'[s] = pnl[s] + Δ[s],  Δ[s] = Σ_{p on u} qty_p·(row'_p[s] − row_p[s]) ≥ L = Σ_{p on u} min_s qty_p·(row'_p − row_p)[s],
 * so every s ≠ s₀ has pnl'[s] ≥ W + G + L. When pnl'[s₀] (summed exactly as the full kernel sums it) is below that
 * bound by more than a float-rounding slack (`CERTIFY_SLACK` × gross + |W| + 1), s₀ is still the (unique) worst scenario: the account
 * is updated from pnl'[s₀] alone, and its gap bound becomes that margin. Otherwise it is revalued in full. The
 * per-row extremes of row' − row are computed once per tick, so a shortcut costs one scenario and a few loads per
 * position instead of 8·S multiply-adds; a full revaluation restores exact gaps.
 *
 * With WebAssembly SIMD, chunks of up to `CHUNK_ACCOUNTS` exposed accounts go to `recheckRange` (`wasmRecheck.ts`,
 * `wasmChunks.ts`): the arrays of the accounts a chunk spans are copied into the instance in bulk (one `set` per
 * array), the module re-checks each exposed account, revalues in full those that fail the bound, and the results are
 * copied back. A
 * sparse chunk, and every account without WebAssembly, goes through the JavaScript loop, which performs the same
 * operations in the same order (same results and gap bounds, bit for bit). Accounts without positions, with more
 * than `REGISTER_POSITIONS`, or never revalued are revalued by `revalueAccounts`.
 * @param previous the matrix before the tick (only the rows of `u` are read)
 * @param u index of the ticked underlying
 * @param which the exposed accounts; chunks are formed from strictly ascending runs
 * @param whichCount how many entries of `which` to use
 * @param useModule false: the JavaScript loop for every account (the same results; for comparisons)
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
  useModule = true,
): number {
  const table = recheckTable(prices, previous, u)
  if (redoScratch.length < whichCount) redoScratch = new Uint32Array(whichCount)
  const redo = redoScratch
  let redoCount = 0
  const chunks = wasm && useModule ? moduleChunks(wasm, accounts, prices, table, assetPrice, naked, out) : null
  let fullInModule = 0
  for (let k = 0; k < whichCount; ) {
    const first = which[k]!
    const limit = Math.min(whichCount, k + CHUNK_ACCOUNTS)
    let end = k + 1
    while (end < limit && which[end]! > which[end - 1]! && which[end]! - first < CHUNK_SPAN) end++
    const span = which[end - 1]! - first + 1
    if (chunks && 4 * (end - k) >= span) {
      redoCount = chunks.run(which, k, end, 0, redo, redoCount)
      fullInModule += chunks.lastFull()
    } else redoCount = recheckLoop(accounts, prices, table, assetPrice, naked, out, which, k, end, redo, redoCount)
    k = end
  }
  if (redoCount > 0) revalueAccounts(accounts, prices, assetPrice, naked, out, redo, redoCount)
  return redoCount + fullInModule
}

/**
 * Per instrument row, `RECHECK_ROW` float64s (a small table that stays in the first-level cache): value, contingency,
 * the middle of [min, max] over scenarios of (row' − row), and the half-width of that interval plus the rounding slack
 * `CERTIFY_SLACK`·scale, where scale is the row's max |P&L| (for rows of `u`, now plus before). So
 * min_s q·(row' − row)[s] = q·mid − |q|·half for either sign of q (no branch on the sign), and one sum of
 * |q|·(half + slack) carries both the bound and the slack. Rows of other underlyings have mid = half = 0.
 */
function recheckTable(prices: KernelPrices, previous: Float64Array, u: number): Float64Array {
  const { S, stride: W, matrix: M, underlyingOf: under } = prices
  const I = under.length
  const T = new Float64Array(RECHECK_ROW * I)
  for (let i = 0; i < I; i++) {
    const b = i * W
    const o = RECHECK_ROW * i
    T[o] = M[b + S]!
    T[o + 1] = M[b + S + 1]!
    T[o + 3] = CERTIFY_SLACK * M[b + S + 2]!
    if (under[i] !== u) continue
    let lo = Number.POSITIVE_INFINITY
    let hi = Number.NEGATIVE_INFINITY
    for (let s = 0; s < S; s++) {
      const d = M[b + s]! - previous[b + s]!
      if (d < lo) lo = d
      if (d > hi) hi = d
    }
    T[o + 2] = (lo + hi) / 2
    T[o + 3] = (hi - lo) / 2 + CERTIFY_SLACK * (M[b + S + 2]! + previous[b + S + 2]!)
  }
  return T
}

/**
 * The re-check of the exposed accounts `which[from .. to)` in JavaScript; accounts that fail the bound (or have no
 * positions, more than `REGISTER_POSITIONS`, or no worst scenario) are appended to `redo`.
 * @returns the new length of `redo`
 */
function recheckLoop(
  accounts: BatchAccounts,
  prices: KernelPrices,
  T: Float64Array,
  assetPrice: Float64Array,
  naked: NakedShortIndex,
  out: BatchResults,
  which: Uint32Array,
  from: number,
  to: number,
  redo: Uint32Array,
  redoCount: number,
): number {
  const W = prices.stride
  const M = prices.matrix
  const R = RECHECK_ROW
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
  const equityOut = out.equityUsd
  const riskOut = out.riskUsd
  const minOut = out.minPnlUsd
  const gapOut = out.gapUsd
  const worstOut = out.worstScenario
  for (let k = from; k < to; k++) {
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
    // else); and the lower bound of Δ over scenarios less the rounding slack, Σ q·mid − Σ |q|·(half + slack)
    const i0 = inst[p0]!
    const o0 = R * i0
    const q0 = qty[p0]!
    const m0 = Math.abs(q0)
    let x = q0 * M[i0 * W + s0]!
    let valueSum = q0 * T[o0]!
    let cont = m0 * T[o0 + 1]!
    let lowMid = q0 * T[o0 + 2]!
    let lowHalf = m0 * T[o0 + 3]!
    for (let p = p0 + 1; p < p1; p++) {
      const i = inst[p]!
      const o = R * i
      const q = qty[p]!
      const m = Math.abs(q)
      valueSum += q * T[o]!
      cont += m * T[o + 1]!
      lowMid += q * T[o + 2]!
      lowHalf += m * T[o + 3]!
      x += q * M[i * W + s0]!
    }
    if (PADDED[n] === 1) {
      x += 0
      valueSum += 0
      cont += 0
    }
    const w = minOut[a]!
    const cut = w + gapOut[a]! + (lowMid - lowHalf) - CERTIFY_SLACK * ((w < 0 ? -w : w) + 1)
    if (!(x < cut)) {
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
    gapOut[a] = cut - x
  }
  return redoCount
}
