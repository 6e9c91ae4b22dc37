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
 * Work shared by the calling thread and the worker threads of `createParallelBatchEngine`, posted with `postMessage`
 * (typed arrays on a `SharedArrayBuffer` arrive as views of the same memory, so nothing large is copied). The work is
 * cut into slices `[bounds[i], bounds[i + 1])`; each thread claims the next slice from the shared `next` counter
 * (`Atomics.add`) until none is left, so a thread that starts late or is descheduled leaves its slices to the others.
 * - `revalue`: slices of accounts, `revalueRange`;
 * - `recheck`: slices of `which` (the accounts exposed to a tick on underlying `u`), `recheckAccounts`, `previous` the
 *   matrix before the tick.
 */
export type BatchTask = { bounds: readonly number[]; next: Int32Array } & (
  | ({ kind: 'revalue' } & BookArrays)
  | ({ kind: 'recheck'; u: number; previous: Float64Array; which: Uint32Array } & BookArrays)
)

/**
 * Claims and runs slices of a task on the calling thread (a worker thread's handler, or the calling thread's own
 * share) until none is left.
 * @returns accounts revalued in full (`recheck`), or accounts revalued (`revalue`), over the slices this thread ran
 */
export function runBatchTask(task: BatchTask): number {
  const slices = task.bounds.length - 1
  let total = 0
  for (let i = Atomics.add(task.next, 0, 1); i < slices; i = Atomics.add(task.next, 0, 1)) {
    const from = task.bounds[i]!
    const to = task.bounds[i + 1]!
    if (task.kind === 'revalue') {
      revalueRange(task.accounts, task.prices, task.assetPrice, task.naked, task.results, from, to)
      total += to - from
    } else {
      total += recheckAccounts(task.accounts, task.prices, task.previous, task.u, task.assetPrice, task.naked, task.results, task.which.subarray(from, to))
    }
  }
  return total
}
