import type { Logger } from 'pino'

/** One part of the node to stop, named for the log. */
export type ShutdownStep = { name: string; stop: () => Promise<void> }

export type ShutdownResult = {
  /** steps that had not finished when the deadline passed, in order; empty when everything stopped in time */
  unfinished: string[]
  /** steps whose stop threw, with the error's message */
  failed: { name: string; error: string }[]
}

/**
 * Runs `steps` one after the other (the node stops the API, then the relayer, the aggregator, the watchers and the
 * database, so nothing new starts while in-flight work finishes), but gives up once `deadlineMs` have passed: a hung
 * RPC call inside a watcher must not hold the process for its whole retry budget. Giving up is safe: every write is
 * transactional and the outbox resumes from its recorded transitions, as after a crash. A step that throws is logged
 * and the next one still runs.
 * @param deadlineMs wall-clock budget for all steps, milliseconds
 * @returns which steps did not finish or failed; the caller decides the exit code
 */
export async function stopWithin(steps: readonly ShutdownStep[], deadlineMs: number, logger: Logger): Promise<ShutdownResult> {
  const failed: ShutdownResult['failed'] = []
  let current = 0
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs)
  })
  const run = (async () => {
    for (; current < steps.length; current++) {
      const step = steps[current]!
      try {
        await step.stop()
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        failed.push({ name: step.name, error: message })
        logger.error({ step: step.name, error: message }, 'A part of the node failed to stop')
      }
    }
    return 'done' as const
  })()
  const outcome = await Promise.race([run, deadline])
  clearTimeout(timer)
  const unfinished = outcome === 'deadline' ? steps.slice(current).map((s) => s.name) : []
  if (unfinished.length > 0) logger.error({ deadline_ms: deadlineMs, unfinished }, 'Shutdown deadline passed; exiting without waiting for the rest')
  return { unfinished, failed }
}
