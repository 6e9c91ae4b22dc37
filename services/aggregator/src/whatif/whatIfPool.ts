import { availableParallelism } from 'node:os'
import type { Config } from '@unimargin/chains'
import { Piscina } from 'piscina'
import { UnknownInstrumentError, type WhatIfChange, type WhatIfInput, type WhatIfResult } from './computeWhatIf.js'
import { WhatIfQueueFullError, WhatIfTimeoutError } from './errors.js'
import type { WhatIfTask, WhatIfTaskResult } from './whatIfTask.js'

/** The most threads a pool may use: every core but the one the event loop runs on, and at least one. */
export const maxWhatIfThreads = (): number => Math.max(1, availableParallelism() - 1)

export type WhatIfPoolParameters = {
  config: Config
  /** worker threads at most (default and ceiling: {@link maxWhatIfThreads}) */
  maxThreads?: number
  /** worker threads started with the pool and kept while idle (default 0: started by the first what-if) */
  minThreads?: number
  /** what-ifs that may wait for a busy thread; one more is refused with {@link WhatIfQueueFullError} (default 64) */
  maxQueue?: number
  /**
   * ms a what-if may take, waiting for a busy thread included, before it is abandoned and its thread terminated
   * (default 5000); the pool's first thread loading the engine is not counted
   */
  timeoutMs?: number
  /** ms an idle thread above `minThreads` is kept (default 60000) */
  idleTimeoutMs?: number
  /** the worker module (default `whatIfWorker.mjs` beside this file) */
  worker?: URL
}

export type WhatIfPool = {
  /**
   * Computes a what-if in a worker thread (see `computeWhatIf`).
   * @throws {UnknownInstrumentError} naming the market or (chain, asset) that is not configured.
   * @throws {WhatIfQueueFullError} when `maxQueue` what-ifs already wait.
   * @throws {WhatIfTimeoutError} after `timeoutMs`; the thread running it is terminated and replaced.
   */
  run: (input: WhatIfInput, change: WhatIfChange) => Promise<WhatIfResult>
  /** Terminates the threads; what-ifs still queued or running are rejected. */
  close: () => Promise<void>
}

/**
 * A bounded pool of worker threads (piscina) computing what-ifs off the event loop that the watchers, the
 * aggregator, the relayer and the API share. Idle threads do not keep the process alive.
 * @example const pool = createWhatIfPool({ config }); const { before, after } = await pool.run(input, change)
 */
export function createWhatIfPool(parameters: WhatIfPoolParameters): WhatIfPool {
  const { config, maxQueue = 64, timeoutMs = 5_000 } = parameters
  const maxThreads = Math.max(1, Math.min(parameters.maxThreads ?? Number.POSITIVE_INFINITY, maxWhatIfThreads()))
  const piscina = new Piscina<WhatIfTask, WhatIfTaskResult>({
    filename: (parameters.worker ?? new URL('./whatIfWorker.mjs', import.meta.url)).href,
    name: 'default',
    minThreads: Math.min(parameters.minThreads ?? 0, maxThreads),
    maxThreads,
    idleTimeout: parameters.idleTimeoutMs ?? 60_000,
    // the parent's loader flags (tsx's) are not for the thread: the worker module registers its own
    execArgv: [],
    workerData: { config },
  })
  // the first thread loads the risk engine once (seconds under tsx on a busy machine): a warm-up task waits for it,
  // so a what-if's timeout bounds its own work and queueing, not that start
  let warm: Promise<unknown> | undefined
  let warmed = false
  return {
    async run(input, change) {
      // it would wait (no idle thread, none more may start) behind `maxQueue` others already waiting
      const waits = piscina.idleThreads === 0 && piscina.threads.length >= maxThreads
      if (waits && piscina.queueSize >= maxQueue) throw new WhatIfQueueFullError(maxQueue)
      if (!warmed) {
        warm ??= piscina
          .run({ warmUp: true } as unknown as WhatIfTask)
          .catch(() => undefined)
          .then(() => {
            warmed = true
          })
        await warm
      }
      const signal = AbortSignal.timeout(timeoutMs)
      let answer: WhatIfTaskResult
      try {
        answer = await piscina.run({ input, change }, { signal })
      } catch (error) {
        if (signal.aborted) throw new WhatIfTimeoutError(timeoutMs)
        throw error
      }
      if (answer.kind === 'unknownInstrument') throw new UnknownInstrumentError(answer.message)
      return answer.result
    },
    close: () => piscina.destroy(),
  }
}
