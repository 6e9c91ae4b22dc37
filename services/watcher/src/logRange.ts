/** Blocks of a watcher's first range; it doubles per written range up to `maxLogRange` (at most 100 logs a block fit in 10 MiB). */
export const INITIAL_LOG_RANGE = 100

/** Logs one range aims at (≈ 3.5 MB of JSON-RPC answer, a third of viem's 10 MiB response limit). */
export const TARGET_LOGS_PER_RANGE = 5_000

/**
 * The next range, in blocks: twice the current one, at most `maxLogRange`, and at most the span that would have held
 * {@link TARGET_LOGS_PER_RANGE} logs at the density of the range just written (`logs` over `span` blocks); at least 1.
 */
export function nextRange(range: bigint, span: bigint, logs: number, maxLogRange: bigint): bigint {
  let next = range * 2n < maxLogRange ? range * 2n : maxLogRange
  if (logs > 0) {
    const fit = (span * BigInt(TARGET_LOGS_PER_RANGE)) / BigInt(logs)
    if (fit < next) next = fit
  }
  return next < 1n ? 1n : next
}

/** The size limit and the size of an answer over it, when `error` (or a cause) is viem's `ResponseBodyTooLargeError`. */
export function responseTooLarge(error: unknown): { maxSize: number; size: number } | undefined {
  for (let e = error as { name?: string; maxSize?: unknown; size?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.name === 'ResponseBodyTooLargeError' && typeof e.maxSize === 'number' && typeof e.size === 'number') return { maxSize: e.maxSize, size: e.size }
    if (typeof e !== 'object') break
  }
  return undefined
}

/** A range of fewer blocks than `span` whose answer fits under the limit (80 % of it, at the same density). */
export function fittedRange(span: bigint, { maxSize, size }: { maxSize: number; size: number }): bigint {
  const fit = (span * BigInt(Math.floor((maxSize * 0.8) / 1024))) / BigInt(Math.max(1, Math.ceil(size / 1024)))
  return fit < 1n ? 1n : fit >= span ? span - 1n : fit
}
