import type { BatchResults } from './kernel.js'
import type { BatchAccounts } from './layout.js'
import type { NakedShortIndex } from './nakedShort.js'
import type { KernelPrices } from './priceTable.js'
import { REGISTER_WIDTHS } from './scenarioMin.js'
import { MATRIX_BYTE, type WasmScan } from './wasmScan.js'
import { RECHECK_DENSE, RECHECK_FULL, RECHECK_FULL_BYTE } from './wasmRecheck.js'

/** Accounts per `recheckRange` call (their arrays, ≈ 170 KB for 1 024 books of 8-9 positions, stay in cache). */
export const CHUNK_ACCOUNTS = 1_024

/** Runs `recheckRange` on chunks of accounts (see `moduleChunks`). */
export type ModuleChunks = {
  /**
   * Copies the arrays of the accounts a chunk spans into the instance, runs `recheckRange` with `mode`, and copies
   * the span's results back. The chunk is `which[from .. to)` (strictly ascending), or with `which` null the accounts
   * `from ≤ a < to` (`RECHECK_DENSE` is added). Accounts the module leaves are appended to `skipped`.
   * @returns the new length of `skipped`
   */
  run(which: Uint32Array | null, from: number, to: number, mode: number, skipped: Uint32Array, skippedCount: number): number
  /** accounts the last `run` revalued in full */
  lastFull(): number
}

/**
 * Prepares this thread's instance for a revaluation or a tick: copies in the matrix, the re-check table (`RECHECK_ROW`
 * per instrument row; empty for a revaluation), the asset prices and the naked-short rates.
 * Accounts of a span that are not in the chunk get their own results back, so `run` must not overlap accounts another
 * thread writes at the same time (the callers' slices are disjoint ranges of accounts).
 */
export function moduleChunks(
  wasm: WasmScan,
  accounts: BatchAccounts,
  prices: KernelPrices,
  table: Float64Array,
  assetPrice: Float64Array,
  naked: NakedShortIndex,
  out: BatchResults,
): ModuleChunks {
  const w = wasm
  const { S, stride: W } = prices
  w.load(prices.matrix)
  const align = (bytes: number) => (bytes + 15) & ~15
  const tableByte = align(w.free)
  const assetByte = tableByte + align(table.byteLength)
  const rateByte = assetByte + align(assetPrice.byteLength)
  const chunkByte = rateByte + align(prices.nakedRateByUnderlying.byteLength)
  w.reserve(chunkByte)
  w.f64.set(table, tableByte / 8)
  w.f64.set(assetPrice, assetByte / 8)
  w.f64.set(prices.nakedRateByUnderlying, rateByte / 8)
  const zeroByte = MATRIX_BYTE + prices.zeroRow * W * 8
  // the width scans read up to the largest width's entries from an account's first position
  const reach = Math.max(...REGISTER_WIDTHS)
  const { positionStart, positionInstrument, positionQty, collateralStart, collateralAsset, collateralUnits, cashUsd } = accounts
  return {
    lastFull: () => w.u32[RECHECK_FULL_BYTE / 4]!,
    run(which, from, to, mode, skipped, skippedCount) {
      const count = to - from
      const first = which ? which[from]! : from
      const end = which ? which[to - 1]! + 1 : to
      const span = end - first
      const dense = count === span
      const pBase = positionStart[first]!
      const positions = positionStart[end]! - pBase
      const cBase = collateralStart[first]!
      const items = collateralStart[end]! - cBase
      const nBase = naked.start[first]!
      const nakedItems = naked.start[end]! - nBase
      let at = chunkByte
      const take = (bytes: number) => {
        const b = at
        at += align(bytes)
        return b
      }
      const listByte = take(dense ? 0 : 4 * count)
      const startByte = take(4 * (span + 1))
      const instByte = take(2 * (positions + reach))
      const qtyByte = take(8 * (positions + reach))
      const cStartByte = take(4 * (span + 1))
      const cAssetByte = take(2 * items)
      const cUnitsByte = take(8 * items)
      const nStartByte = take(4 * (span + 1))
      const nUnderByte = take(2 * nakedItems)
      const nUnitsByte = take(8 * nakedItems)
      const cashByte = take(8 * span)
      const equityByte = take(8 * span)
      const riskByte = take(8 * span)
      const minByte = take(8 * span)
      const gapByte = take(8 * span)
      const worstByte = take(2 * span)
      const skipByte = take(4 * count)
      w.reserve(at)
      const { u32, u16, f64 } = w
      if (!dense) for (let k = 0; k < count; k++) u32[listByte / 4 + k] = which![from + k]! - first
      u32.set(positionStart.subarray(first, end + 1), startByte / 4)
      u16.set(positionInstrument.subarray(pBase, pBase + positions), instByte / 2)
      f64.set(positionQty.subarray(pBase, pBase + positions), qtyByte / 8)
      u32.set(collateralStart.subarray(first, end + 1), cStartByte / 4)
      u16.set(collateralAsset.subarray(cBase, cBase + items), cAssetByte / 2)
      f64.set(collateralUnits.subarray(cBase, cBase + items), cUnitsByte / 8)
      u32.set(naked.start.subarray(first, end + 1), nStartByte / 4)
      u16.set(naked.underlying.subarray(nBase, nBase + nakedItems), nUnderByte / 2)
      f64.set(naked.units.subarray(nBase, nBase + nakedItems), nUnitsByte / 8)
      f64.set(cashUsd.subarray(first, end), cashByte / 8)
      // the module writes equity and risk of every account it does not skip (and the caller revalues those it
      // skips), so they are copied in only for the accounts of the span outside the chunk; a full revaluation does
      // not read the old minimum, gap and worst scenario either
      if (!dense) {
        f64.set(out.equityUsd.subarray(first, end), equityByte / 8)
        f64.set(out.riskUsd.subarray(first, end), riskByte / 8)
      }
      if (!dense || (mode & RECHECK_FULL) === 0) {
        f64.set(out.minPnlUsd.subarray(first, end), minByte / 8)
        f64.set(out.gapUsd.subarray(first, end), gapByte / 8)
        u16.set(out.worstScenario.subarray(first, end), worstByte / 2)
      }
      const skips = w.recheckRange(
        count,
        S,
        8 * S,
        zeroByte,
        8 * W,
        listByte,
        startByte,
        pBase,
        instByte,
        qtyByte,
        tableByte,
        cStartByte,
        cBase,
        cAssetByte,
        cUnitsByte,
        assetByte,
        nStartByte,
        nBase,
        nUnderByte,
        nUnitsByte,
        rateByte,
        cashByte,
        equityByte,
        riskByte,
        minByte,
        gapByte,
        worstByte,
        skipByte,
        mode | (dense ? RECHECK_DENSE : 0),
      )
      out.equityUsd.set(f64.subarray(equityByte / 8, equityByte / 8 + span), first)
      out.riskUsd.set(f64.subarray(riskByte / 8, riskByte / 8 + span), first)
      out.minPnlUsd.set(f64.subarray(minByte / 8, minByte / 8 + span), first)
      out.gapUsd.set(f64.subarray(gapByte / 8, gapByte / 8 + span), first)
      out.worstScenario.set(u16.subarray(worstByte / 2, worstByte / 2 + span), first)
      for (let k = 0; k < skips; k++) skipped[skippedCount++] = first + u32[skipByte / 4 + k]!
      return skippedCount
    },
  }
}
