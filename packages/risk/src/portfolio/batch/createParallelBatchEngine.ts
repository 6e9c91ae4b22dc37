import os from 'node:os'
import type { PortfolioEngine } from '../engine/createPortfolioEngine.js'
import { MissingMarketDataError } from '../errors.js'
import type { MarketState } from '../types.js'
import type { BatchTask } from './batchTask.js'
import { runBatchTask } from './batchTask.js'
import { type BatchWorkers, startBatchWorkers } from './batchWorkers.js'
import { type BatchBook, type BatchEngine, createBatchEngine, sameUniverse } from './createBatchEngine.js'
import { indexExposure } from './exposure.js'
import { createBatchResults } from './kernel.js'
import { type BatchAccounts, checkBatchAccounts } from './layout.js'
import { indexNakedShort } from './nakedShort.js'
import { splitByPositions, splitEvenly } from './partition.js'
import { type KernelPrices, priceTable } from './priceTable.js'
import { repriceUnderlying } from './repriceUnderlying.js'
import { shareBatchAccounts, shareTyped } from './shared.js'

/** Slices of work per thread in a revaluation or tick (claimed as threads become free). */
const SLICES_PER_THREAD = 8

export type ParallelBatchEngineOptions = {
  /** worker threads beside the calling thread, which takes a share too; default: available cores − 1 (0: none) */
  workers?: number
  /** fewest accounts in a slice of a tick (a tick of fewer than twice as many stays on the calling thread); default 4 096 */
  minAccountsPerThread?: number
}

/**
 * The batch engine on several cores: `load`, `revalueAll` and `tick` split the accounts between the calling thread
 * and `workers` worker threads (`node:worker_threads`). Accounts, results, the naked-short and exposure indices, the
 * asset prices and the price matrix live in `SharedArrayBuffer`s, so each thread revalues a disjoint range of
 * accounts in place and nothing large is copied; instruments are priced once, on the calling thread. Each account
 * is computed by the same kernel as in `createBatchEngine`, so the results are the single-threaded ones bit for bit.
 * Wait for one call on a book before the next (they are async).
 */
export type ParallelBatchEngine = Pick<BatchEngine, 'instruments' | 'assets' | 'buildAccounts' | 'accountRisk'> & {
  /** worker threads running beside the calling thread */
  readonly workers: number
  /**
   * As `BatchEngine.load`, revaluing in parallel. Arrays not already in shared memory are copied into it (allocate a
   * large book shared to avoid the copies); the book's `assetPrice` is then the shared copy.
   */
  load(accounts: BatchAccounts, assetPrice: Float64Array, market: MarketState): Promise<BatchBook>
  /** as `BatchEngine.revalueAll`, the accounts revalued in parallel */
  revalueAll(book: BatchBook, market: MarketState): Promise<void>
  /** as `BatchEngine.tick`, the exposed accounts re-checked in parallel; resolves to the number exposed */
  tick(book: BatchBook, market: MarketState, underlying: string, assetPrices?: ReadonlyMap<number, number>): Promise<number>
  /** terminates the worker threads (the engine is unusable afterwards) */
  close(): Promise<void>
}

/**
 * A parallel batch engine for a configured per-account engine (portfolio mode).
 * @throws {InvalidInputError} when the engine is not in portfolio mode
 * @throws {RangeError} when `workers` is not a non-negative integer
 * @example
 * const batch = createParallelBatchEngine(createPortfolioEngine(), { workers: 1 })
 * const book = await batch.load(accounts, assetPrice, market)
 * await batch.tick(book, moved, 'BTC')
 * await batch.close()
 */
export function createParallelBatchEngine(engine: PortfolioEngine, options: ParallelBatchEngineOptions = {}): ParallelBatchEngine {
  const base = createBatchEngine(engine)
  const { instruments, assets } = base
  const minPerThread = options.minAccountsPerThread ?? 4_096
  const pool: BatchWorkers = startBatchWorkers(options.workers ?? Math.max(0, os.availableParallelism() - 1))

  const kernelPrices = (book: BatchBook): KernelPrices => {
    const { S, stride, matrix, nakedRateByUnderlying, underlyingOf, zeroRow } = book.prices
    return { S, stride, matrix, nakedRateByUnderlying, underlyingOf, zeroRow }
  }
  const arrays = (book: BatchBook) => ({ accounts: book.accounts, prices: kernelPrices(book), assetPrice: book.assetPrice, naked: book.naked, results: book.results })

  /** runs a task on every worker thread and on this one (each claims slices until none is left); sums their counts */
  const runAll = async (task: BatchTask, threads: number): Promise<number> => {
    const theirs = Array.from({ length: threads - 1 }, (_, i) => pool.run(i, task))
    // a worker's failure is reported after the calling thread's share is done
    const settled = Promise.allSettled(theirs)
    let total = runBatchTask(task)
    for (const r of await settled) {
      if (r.status === 'rejected') throw r.reason
      total += r.value
    }
    return total
  }
  const counter = () => new Int32Array(new SharedArrayBuffer(4))

  const revalueAll = (book: BatchBook) => {
    // slices of about equal work, several per thread so that a slow thread holds back little
    const slices = pool.size === 0 ? 1 : SLICES_PER_THREAD * (pool.size + 1)
    const bounds = splitByPositions(book.accounts.positionStart, book.accounts.count, slices)
    return runAll({ kind: 'revalue', bounds, next: counter(), ...arrays(book) }, pool.size + 1)
  }

  /** the fresh matrix written into the book's shared one (replaced when the instrument table grew) */
  const adoptMatrix = (book: BatchBook, fresh: BatchBook['prices']) => {
    if (book.prices.matrix.length === fresh.matrix.length) {
      book.prices.matrix.set(fresh.matrix)
      fresh.matrix = book.prices.matrix
    } else {
      fresh.matrix = shareTyped(fresh.matrix)
      book.previous = new Float64Array(new SharedArrayBuffer(fresh.matrix.byteLength))
    }
    book.prices = fresh
  }

  return {
    instruments,
    assets,
    workers: pool.size,
    buildAccounts: base.buildAccounts,
    accountRisk: base.accountRisk,
    async load(accountsIn, assetPriceIn, market) {
      checkBatchAccounts(accountsIn, instruments.instruments.length, assets.keys.length)
      if (assetPriceIn.length < assets.keys.length) throw new RangeError('Batch: fewer asset prices than assets.')
      const accounts = shareBatchAccounts(accountsIn)
      const assetPrice = shareTyped(assetPriceIn)
      const ctx = engine.context(market)
      const prices = priceTable(instruments, ctx, { price: assetPrice, follows: assets.follows })
      prices.matrix = shareTyped(prices.matrix)
      const naked = indexNakedShort(accounts, prices.strikeGroup, prices.underlyingOf, prices.groupCount, ctx.set.underlyings.length, { shared: true })
      const assetUnderlying = Int32Array.from(assets.follows, (u) => ctx.underlyingIndex.get(u) ?? -1)
      const exposure = indexExposure(accounts, ctx.set.underlyings, prices.underlyingOf, assetUnderlying, { shared: true })
      const book: BatchBook = {
        accounts,
        assetPrice,
        market,
        ctx,
        prices,
        results: createBatchResults(accounts.count, { shared: true }),
        exposure,
        naked,
        previous: new Float64Array(new SharedArrayBuffer(prices.matrix.byteLength)),
        lastTick: { exposed: 0, revaluedInFull: 0 },
      }
      await revalueAll(book)
      return book
    },
    async revalueAll(book, market) {
      const ctx = engine.context(market)
      sameUniverse(book, ctx)
      adoptMatrix(book, priceTable(instruments, ctx, { price: book.assetPrice, follows: assets.follows }))
      book.market = market
      book.ctx = ctx
      await revalueAll(book)
    },
    async tick(book, market, underlying, assetPrices) {
      const ctx = engine.context(market)
      sameUniverse(book, ctx)
      const u = ctx.underlyingIndex.get(underlying)
      if (u === undefined) throw new MissingMarketDataError(underlying, 'price')
      repriceUnderlying(book, instruments, assets, ctx, u, assetPrices)
      const from = book.exposure.start[u]!
      const to = book.exposure.start[u + 1]!
      const exposed = book.exposure.accounts.subarray(from, to)
      // slices of at least minAccountsPerThread accounts, several per thread when there are enough
      const slices = Math.max(1, Math.min(SLICES_PER_THREAD * (pool.size + 1), Math.floor(exposed.length / minPerThread)))
      const bounds = splitEvenly(exposed.length, slices)
      const task: BatchTask = { kind: 'recheck', bounds, next: counter(), u, previous: book.previous, which: exposed, ...arrays(book) }
      const full = await runAll(task, Math.min(pool.size + 1, slices))
      book.lastTick = { exposed: to - from, revaluedInFull: full }
      return to - from
    },
    close: () => pool.close(),
  }
}
