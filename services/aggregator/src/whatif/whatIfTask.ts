import type { Config } from '@unimargin/chains'
import { computeWhatIf, UnknownInstrumentError, type WhatIfChange, type WhatIfInput, type WhatIfResult } from './computeWhatIf.js'

/** One what-if as a worker thread receives it (structured-cloned: bigints, Maps and Dates survive). */
export type WhatIfTask = { input: WhatIfInput; change: WhatIfChange }

/**
 * A worker's answer. The client's mistake comes back as a value: an error thrown across threads arrives as a plain
 * `Error`, its class lost.
 */
export type WhatIfTaskResult = { kind: 'done'; result: WhatIfResult } | { kind: 'unknownInstrument'; message: string }

/** Runs one {@link WhatIfTask} (in a worker thread, see `whatIfWorker.mjs`); errors other than the client's throw. */
export function runWhatIfTask(config: Config, task: WhatIfTask): WhatIfTaskResult {
  try {
    return { kind: 'done', result: computeWhatIf(config, task.input, task.change) }
  } catch (error) {
    if (error instanceof UnknownInstrumentError) return { kind: 'unknownInstrument', message: error.message }
    throw error
  }
}
