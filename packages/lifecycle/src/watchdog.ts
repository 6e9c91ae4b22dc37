/** A round of a poll loop that has run longer than the watchdog allows. */
export type Stall = {
  /** the loop's name, e.g. `watcher:8453`, `aggregator`, `relayer` */
  name: string
  /** when the round started (ms since the epoch) */
  startedAt: number
  /** how long it had run when the watchdog fired, ms */
  elapsedMs: number
}

export type WatchdogParameters = {
  /** a round running longer than this is stalled, ms */
  stallAfterMs: number
  /** called once per stalled round, when it passes `stallAfterMs` */
  onStall: (stall: Stall) => void
}

/** Watches the rounds of the poll loops registered with it ({@link createPollLoop}'s `watchdog`). */
export type Watchdog = {
  /** Marks the start of a round of loop `name`; call the returned function when the round ends (settled either way). */
  round: (name: string) => () => void
  /** The rounds running longer than `stallAfterMs` now, oldest first. */
  stalled: () => Stall[]
}

/**
 * A watchdog for rounds that never end: a query on a connection the database dropped without telling the driver,
 * an RPC whose socket hangs past every timeout. Such a round stalls its loop for good while the process looks
 * alive; the watchdog reports it once (`onStall`), so the node can exit and its supervisor restart it: everything a
 * round does commits in transactions, so a restart loses nothing and resumes where the last commit left off.
 * @example const watchdog = createWatchdog({ stallAfterMs: 300_000, onStall: (s) => { log.fatal(s); process.exit(75) } })
 */
export function createWatchdog(parameters: WatchdogParameters): Watchdog {
  const { stallAfterMs, onStall } = parameters
  const running = new Map<symbol, { name: string; startedAt: number }>()
  return {
    round(name) {
      const key = Symbol(name)
      const startedAt = Date.now()
      running.set(key, { name, startedAt })
      const timer = setTimeout(() => {
        if (running.has(key)) onStall({ name, startedAt, elapsedMs: Date.now() - startedAt })
      }, stallAfterMs)
      timer.unref?.()
      return () => {
        clearTimeout(timer)
        running.delete(key)
      }
    },
    stalled() {
      const now = Date.now()
      return [...running.values()]
        .filter((r) => now - r.startedAt > stallAfterMs)
        .sort((a, b) => a.startedAt - b.startedAt)
        .map((r) => ({ ...r, elapsedMs: now - r.startedAt }))
    },
  }
}
