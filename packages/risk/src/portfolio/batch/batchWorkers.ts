import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { BatchTask } from './batchTask.js'

/** Worker threads running `BatchTask`s, one task at a time each, in the order posted. */
export type BatchWorkers = {
  readonly size: number
  /**
   * Posts a task to worker `i`.
   * @returns the task's count (`runBatchTask`)
   * @throws {Error} the task's error, or the thread's when it died
   */
  run(i: number, task: BatchTask): Promise<number>
  /** Terminates the threads; tasks still running are rejected. */
  close(): Promise<void>
}

type Pending = { resolve: (n: number) => void; reject: (e: Error) => void }

const BUNDLE = new URL('../../../dist/batchTask.mjs', import.meta.url)
const SOURCES = new URL('../../', import.meta.url)
let bundleChecked = false
let bundle: string | undefined

/**
 * The URL of the package's build of `batchTask.ts` (`dist/batchTask.mjs`, written by `pnpm build`) when it exists
 * and is at least as new as every `.ts` file under `src/`; `undefined` otherwise (no build, or a source edited since),
 * and the threads then run the sources through tsx. Checked once per process.
 */
export const batchTaskBundle = (): string | undefined => {
  if (bundleChecked) return bundle
  bundleChecked = true
  try {
    const built = statSync(BUNDLE).mtimeMs
    const root = fileURLToPath(SOURCES)
    const newest = Math.max(
      ...readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => statSync(`${root}/${f}`).mtimeMs),
    )
    bundle = built >= newest ? BUNDLE.href : undefined
  } catch {
    bundle = undefined
  }
  return bundle
}
/**
 * Starts `count` worker threads on `batchWorker.mjs`. Idle threads do not keep the process alive (each is ref'd
 * only while it has a task). A thread runs the package's build of the task code ({@link batchTaskBundle}) or, without
 * a fresh build, registers tsx itself, so this works after `pnpm build`, under `tsx` and under vitest.
 * @param options.bundle the URL of a build of `batchTask.ts` to run, or `false` for the sources through tsx (default
 *   {@link batchTaskBundle})
 * @throws {RangeError} when `count` is not a non-negative integer
 */
export function startBatchWorkers(count: number, options: { bundle?: string | false } = {}): BatchWorkers {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`Batch: ${count} worker threads.`)
  const workerData = { bundle: options.bundle === false ? undefined : (options.bundle ?? (count > 0 ? batchTaskBundle() : undefined)) }
  const threads = Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./batchWorker.mjs', import.meta.url), { execArgv: [], workerData })
    const pending: Pending[] = []
    let dead: Error | null = null
    const fail = (e: Error) => {
      dead = e
      for (const p of pending.splice(0)) p.reject(e)
    }
    worker.on('message', (m: { ok: true; value: number } | { ok: false; message: string }) => {
      const p = pending.shift()
      if (pending.length === 0) worker.unref()
      if (!p) return
      if (m.ok) p.resolve(m.value)
      else p.reject(new Error(`Batch worker: ${m.message}`))
    })
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`Batch worker exited (code ${code}).`)))
    worker.unref()
    return {
      worker,
      run: (task: BatchTask) =>
        new Promise<number>((resolve, reject) => {
          if (dead) return reject(dead)
          pending.push({ resolve, reject })
          worker.ref()
          worker.postMessage(task)
        }),
    }
  })
  return {
    size: count,
    run: (i, task) => threads[i]!.run(task),
    close: async () => {
      await Promise.all(threads.map((t) => t.worker.terminate()))
    },
  }
}
