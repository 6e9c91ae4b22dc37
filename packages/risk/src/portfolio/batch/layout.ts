/**
 * Accounts of the batch engine as struct-of-arrays typed arrays (compressed sparse rows):
 *
 * ```
 * account a ∈ [0, count)
 *   positions   p ∈ [positionStart[a], positionStart[a + 1])     positionInstrument[p]  u16  row of the instrument table
 *                                                                 positionQty[p]         f64  net units (one row per instrument)
 *   collateral  c ∈ [collateralStart[a], collateralStart[a + 1])  collateralAsset[c]     u16  index of the asset price
 *                                                                 collateralUnits[c]     f64  units × (1 − h), or × (1 + h) if < 0
 *                                                                 collateralImUnits[c]   f64  |units| × (h_IM − h), ≥ 0 (optional)
 *                                                                 collateralBreakUnits[c] f64 units × route-break loss (optional)
 *   cashUsd[a]                                                   f64  settled P&L + funding − fees − Σ qty·entry
 * ```
 *
 * Risk-cancelling collateral also appears among the positions, after the netted instruments, as a position on a
 * collateral row of the instrument table (qty = units; the row's value and contingency are 0, so equity still counts
 * the item once, through `collateralUnits`). IM adds Σ collateralImUnits·price and both IM and MM the largest
 * Σ collateralBreakUnits·price over one asset row (the route break).
 *
 * equity(a) = cashUsd[a] + Σ_c collateralUnits[c]·assetPrice[collateralAsset[c]] + Σ_p positionQty[p]·value[instrument],
 * so a tick only needs the instrument values, the instrument × scenario matrix and the asset prices. Memory for
 * N accounts with P positions and C collateral items each: N·(4 + 4 + 8) + N·P·(2 + 8) + N·C·(2 + 8 + 8 + 8) bytes
 * (1M accounts × 8.42 positions × 1.67 items with both add-on arrays, the bench's book: ≈ 144 MB).
 */
export type BatchAccounts = {
  count: number
  positionStart: Uint32Array
  /** instrument-table row of each position (16 bits: a table holds at most `MAX_BATCH_ROWS` rows) */
  positionInstrument: Uint16Array
  positionQty: Float64Array
  collateralStart: Uint32Array
  /** asset-table row of each collateral item (at most `MAX_BATCH_ROWS` assets) */
  collateralAsset: Uint16Array
  collateralUnits: Float64Array
  /** per collateral item, |units| × (IM haircut − MM haircut); missing = no IM haircut add-on */
  collateralImUnits?: Float64Array
  /** per collateral item, units × route-break loss fraction (0 without one); missing = no route breaks */
  collateralBreakUnits?: Float64Array
  cashUsd: Float64Array
}

/** Rows an instrument or asset table may hold for the batch layout (16-bit row indices). */
export const MAX_BATCH_ROWS = 65_536

/**
 * Checks that the arrays of a `BatchAccounts` are consistent (lengths, monotone offsets, indices in range).
 * @throws {RangeError} naming the first inconsistency
 */
export function checkBatchAccounts(a: BatchAccounts, instrumentCount: number, assetCount: number): void {
  const fail = (m: string) => {
    throw new RangeError(`Batch accounts: ${m}.`)
  }
  if (a.positionStart.length !== a.count + 1 || a.collateralStart.length !== a.count + 1 || a.cashUsd.length < a.count) fail('offset or cash arrays do not match count')
  if (instrumentCount > MAX_BATCH_ROWS || assetCount > MAX_BATCH_ROWS) fail(`more than ${MAX_BATCH_ROWS} instrument or asset rows`)
  if (a.positionStart[0] !== 0 || a.collateralStart[0] !== 0) fail('offsets must start at 0')
  for (let i = 0; i < a.count; i++) {
    if (a.positionStart[i + 1]! < a.positionStart[i]! || a.collateralStart[i + 1]! < a.collateralStart[i]!) fail(`offsets decrease at account ${i}`)
  }
  const nnz = a.positionStart[a.count]!
  const nc = a.collateralStart[a.count]!
  if (a.positionInstrument.length < nnz || a.positionQty.length < nnz) fail('position arrays are shorter than the offsets')
  if (a.collateralAsset.length < nc || a.collateralUnits.length < nc) fail('collateral arrays are shorter than the offsets')
  if ((a.collateralImUnits?.length ?? nc) < nc || (a.collateralBreakUnits?.length ?? nc) < nc) fail('collateral add-on arrays are shorter than the offsets')
  for (let p = 0; p < nnz; p++) if (a.positionInstrument[p]! >= instrumentCount) fail(`position ${p} names instrument ${a.positionInstrument[p]} of ${instrumentCount}`)
  for (let c = 0; c < nc; c++) if (a.collateralAsset[c]! >= assetCount) fail(`collateral item ${c} names asset ${a.collateralAsset[c]} of ${assetCount}`)
}
