import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import type { Logger } from 'pino'
import type { ProgressPanel } from './panel.js'
import { chainRates } from './rates.js'
import { progressFields, renderProgress } from './render.js'
import { type ProgressSnapshot, readProgressSnapshot } from './snapshot.js'

export type StartProgressParameters = {
  db: Db
  config: Config
  /** where the periodic `Progress` entries go when there is no `panel` */
  logger: Logger
  /** on a terminal: the live panel to draw in (refreshed every `intervalMs`); absent: one log entry per interval */
  panel?: ProgressPanel | undefined
  /** ms between reads (default 1 000 with a panel, 30 000 without) */
  intervalMs?: number
  /** a line drawn above the panel's table, e.g. what the command waits for */
  title?: () => string | undefined
}

export type ProgressReporter = {
  /** Stops reading and waits for a read in progress; the panel is left as it is (`panel.done()` keeps it, `clear()` removes it). */
  stop(): Promise<void>
}

/** Snapshots the rates are taken over on a terminal: a second-by-second rate would jump with every range. */
const RATE_WINDOW = 10

/**
 * Shows a node's progress from its database ({@link readProgressSnapshot}: the read behind `GET /v1/status`): on a
 * terminal, redraws `panel` every `intervalMs` with {@link renderProgress} (rates over the last ten reads); otherwise
 * logs one `Progress` entry per interval with {@link progressFields} (rates since the previous entry). A failed read
 * is logged at debug and retried at the next interval. Reads never overlap.
 */
export function startProgress(parameters: StartProgressParameters): ProgressReporter {
  const { db, config, logger, panel } = parameters
  const intervalMs = parameters.intervalMs ?? (panel ? 1_000 : 30_000)
  const history: ProgressSnapshot[] = []
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()

  const tick = async () => {
    try {
      const snapshot = await readProgressSnapshot(db, config)
      if (stopped) return
      const rates = chainRates(snapshot, history[0])
      history.push(snapshot)
      if (history.length > (panel ? RATE_WINDOW : 1)) history.shift()
      if (panel) {
        const title = parameters.title?.()
        panel.show([...(title ? [title] : []), ...renderProgress(snapshot, rates)])
      } else logger.info(progressFields(snapshot, rates), 'Progress')
    } catch (error) {
      logger.debug({ err: (error as Error).message }, 'Failed to read progress')
    }
  }
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      running = tick().then(schedule)
    }, intervalMs)
    timer.unref()
  }
  running = tick().then(schedule)

  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
