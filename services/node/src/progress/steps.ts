import cliProgress from 'cli-progress'

/** Progress of a batch computation (`stress` windows, `backtest` hours): a bar on a terminal, lines elsewhere. */
export type StepProgress = {
  /** `done` of `total` steps, the current one named `step` */
  update(done: number, total: number, step?: string): void
  /** ends the bar (or writes the last line) */
  stop(): void
}

export type StepProgressParameters = {
  /** what is counted, e.g. `windows`, `hours` */
  unit: string
  /** default standard error, so standard output keeps only the command's result */
  stream?: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean })
  /** off a terminal, a line at most every this many ms (and at the last step); default 10 000 */
  lineIntervalMs?: number
  /** the clock, ms (tests pin it); default `Date.now` */
  now?: () => number
}

/**
 * A {@link StepProgress}: on a terminal a cli-progress bar (`[████░░] 40% | 4/10 windows | ETA 12s | <step>`);
 * elsewhere one line `4/10 windows (40%) <step>` per `lineIntervalMs` and at the last step.
 */
export function createStepProgress(parameters: StepProgressParameters): StepProgress {
  const stream = parameters.stream ?? process.stderr
  const now = parameters.now ?? Date.now
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: stream as NodeJS.WriteStream, format: `[{bar}] {percentage}% | {value}/{total} ${parameters.unit} | ETA {eta_formatted} | {step}`, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    )
    let started = false
    return {
      update(done, total, step = '') {
        if (!started) {
          bar.start(total, done, { step })
          started = true
        } else {
          bar.setTotal(total)
          bar.update(done, { step })
        }
      },
      stop: () => {
        if (started) bar.stop()
      },
    }
  }
  const interval = parameters.lineIntervalMs ?? 10_000
  let last: number | undefined
  return {
    update(done, total, step) {
      if (last !== undefined && now() - last < interval && done < total) return
      last = now()
      const percent = total > 0 ? Math.floor((done * 100) / total) : 100
      stream.write(`${done}/${total} ${parameters.unit} (${percent}%)${step ? ` ${step}` : ''}\n`)
    },
    stop() {},
  }
}
