/**
 * Splits the accounts [0, count) into `parts` contiguous ranges of about equal work, work being positions plus one per
 * account (`positionStart` is the layout's CSR offsets). Returns `parts + 1` boundaries, from 0 to count.
 * @throws {RangeError} when `parts` < 1
 */
export function splitByPositions(positionStart: Uint32Array, count: number, parts: number): number[] {
  if (!(parts >= 1)) throw new RangeError(`Batch: cannot split accounts into ${parts} parts.`)
  const total = positionStart[count]! + count
  const bounds = [0]
  for (let k = 1; k < parts; k++) {
    const target = (total * k) / parts
    // first account a with positionStart[a] + a ≥ target
    let lo = bounds[k - 1]!
    let hi = count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (positionStart[mid]! + mid < target) lo = mid + 1
      else hi = mid
    }
    bounds.push(lo)
  }
  bounds.push(count)
  return bounds
}

/** Splits [0, count) into `parts` contiguous ranges of equal length (±1). Returns `parts + 1` boundaries. */
export function splitEvenly(count: number, parts: number): number[] {
  if (!(parts >= 1)) throw new RangeError(`Batch: cannot split ${count} items into ${parts} parts.`)
  return Array.from({ length: parts + 1 }, (_, k) => Math.floor((count * k) / parts))
}
