import { type BatchResults, revalueRange } from './kernel.js'
import type { BatchAccounts } from './layout.js'
import type { NakedShortIndex } from './nakedShort.js'
import type { KernelPrices } from './priceTable.js'
import { recheckAccounts } from './recheck.js'

/** The arrays a task reads and writes; those written (results) and the large ones live in shared memory. */
type BookArrays = {
  accounts: BatchAccounts
  prices: KernelPrices
  assetPrice: Float64Array
  naked: NakedShortIndex
  results: BatchResults
}

/**
 * One unit of work for a worker thread of `createParallelBatchEngine`, posted with `postMessage` (typed arrays on a
 * `SharedArrayBuffer` arrive as views of the same memory, so nothing large is copied):
 * - `revalue`: `revalueRange` over accounts [from, to);
 * - `recheck`: `recheckAccounts` after a tick on underlying `u` for the exposed accounts `which` (a disjoint slice
 *   of the exposure index), `previous` the matrix before the tick.
 */
export type BatchTask =
  | ({ kind: 'revalue'; from: number; to: number } & BookArrays)
  | ({ kind: 'recheck'; u: number; previous: Float64Array; which: Uint32Array } & BookArrays)

/**
 * Runs a task on the calling thread (a worker thread's handler, or the main thread's own share).
 * @returns accounts revalued in full (`recheck`), or the number revalued (`revalue`)
 */
export function runBatchTask(task: BatchTask): number {
  if (task.kind === 'revalue') {
    revalueRange(task.accounts, task.prices, task.assetPrice, task.naked, task.results, task.from, task.to)
    return task.to - task.from
  }
  return recheckAccounts(task.accounts, task.prices, task.previous, task.u, task.assetPrice, task.naked, task.results, task.which)
}
