import type { BatchAccounts } from './layout.js'

type Typed = Float64Array | Uint32Array | Uint16Array | Int32Array

/** True when the array's memory is a `SharedArrayBuffer` (worker threads see it without a copy). */
export function isShared(array: Typed): boolean {
  return array.buffer instanceof SharedArrayBuffer
}

/**
 * The same numbers in a `SharedArrayBuffer`-backed array of the same type and length (the array itself when it is
 * already shared). A copy costs the array's size in memory until the original is released.
 */
export function shareTyped<T extends Typed>(array: T): T {
  if (isShared(array)) return array
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => T
  const copy = new Ctor(new SharedArrayBuffer(array.byteLength))
  copy.set(array as never)
  return copy
}

/**
 * The accounts with every array in shared memory (arrays already shared are kept, not copied). To avoid the copies of
 * a large book, allocate it shared in the first place (`new Float64Array(new SharedArrayBuffer(8 * n))`).
 */
export function shareBatchAccounts(accounts: BatchAccounts): BatchAccounts {
  return {
    count: accounts.count,
    positionStart: shareTyped(accounts.positionStart),
    positionInstrument: shareTyped(accounts.positionInstrument),
    positionQty: shareTyped(accounts.positionQty),
    collateralStart: shareTyped(accounts.collateralStart),
    collateralAsset: shareTyped(accounts.collateralAsset),
    collateralUnits: shareTyped(accounts.collateralUnits),
    ...(accounts.collateralImUnits ? { collateralImUnits: shareTyped(accounts.collateralImUnits) } : {}),
    ...(accounts.collateralBreakUnits ? { collateralBreakUnits: shareTyped(accounts.collateralBreakUnits) } : {}),
    cashUsd: shareTyped(accounts.cashUsd),
  }
}
