import type { Watchdog } from './watchdog.js'

export type PollLoopParameters = {
  /** One round of work. Resolve `true` when more work is waiting (run again at once), `false` to wait `intervalMs`. */
  run: () => Promise<boolean>
  /** pause between rounds when caught up, ms */
  intervalMs: number
  /** cap of the failure backoff, ms (default 30 000) */
  maxBackoffMs?: number
  /**
   * Called when a round throws, with the consecutive failure count and the delay before the next round
   * (`intervalMs · 2^failures`, capped). Return `'stop'` to end the loop (an error no retry can fix).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: most handlers only log and return nothing
  onError: (error: unknown, failures: number, retryInMs: number) => void | 'stop'
  /** watches each round for one that never ends (see {@link createWatchdog}), under `name` */
  watchdog?: Watchdog | undefined
  /** the loop's name for the watchdog, e.g. `watcher:8453` (default `loop`) */
  name?: string
}

export type PollLoop = {
  /** Starts the loop; a second call while running does nothing. */
  start: () => void
  /** Ends the loop: wakes it from any pause and resolves once the round in progress has finished. */
  stop: () => Promise<void>
  /** consecutive failed rounds so far */
  failures: () => number
}

/**
 * A polling loop for a service (watcher, aggregator, relayer): runs `run` repeatedly, at once while it reports more
 * work, every `intervalMs` when caught up, and with exponential backoff after failures (so a failing dependency is
 * not hammered; the backoff grows per consecutive failure and resets on success). With a `watchdog`, a round that
 * never ends is reported.
 * @example const loop = createPollLoop({ run: async () => (await tick()) > 0, intervalMs: 100, onError: (e) => log.warn(e) })
 */
export function createPollLoop(parameters: PollLoopParameters): PollLoop {
  const { run, intervalMs, onError } = parameters
  const maxBackoffMs = parameters.maxBackoffMs ?? 30_000
  let failures = 0
  let stopping = false
  let running: Promise<void> | undefined
  let wake: (() => void) | undefined

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })

  async function loop() {
    while (!stopping) {
      let delay = intervalMs
      const done = parameters.watchdog?.round(parameters.name ?? 'loop')
      try {
        if (await run()) delay = 0
        failures = 0
      } catch (error) {
        failures += 1
        delay = Math.min(maxBackoffMs, Math.max(1, intervalMs) * 2 ** Math.min(failures, 20))
        if (onError(error, failures, delay) === 'stop') return
      } finally {
        done?.()
      }
      if (stopping) return
      // yield to the event loop even when more work is waiting
      await (delay > 0 ? pause(delay) : new Promise((resolve) => setImmediate(resolve)))
    }
  }

  return {
    start() {
      if (running) return
      stopping = false
      running = loop().finally(() => {
        running = undefined
      })
    },
    async stop() {
      stopping = true
      wake?.()
      await running
    },
    failures: () => failures,
  }
}
