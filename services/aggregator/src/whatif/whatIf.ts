import type { Config } from '@unimargin/chains'
import type { DbOrTx } from '@unimargin/db'
import { computeWhatIf, type WhatIfChange, type WhatIfResult } from './computeWhatIf.js'
import { readWhatIfInput } from './readWhatIfInput.js'

/**
 * The account's margin now and after `change` (see {@link computeWhatIf}), read and computed on the caller's thread.
 * The API computes in a worker pool instead (`createWhatIfPool`). Nothing is written.
 * @throws {UnknownInstrumentError} naming the market or (chain, asset) that is not configured.
 */
export async function whatIf(db: DbOrTx, config: Config, address: string, change: WhatIfChange, now: Date): Promise<WhatIfResult> {
  return computeWhatIf(config, await readWhatIfInput(db, config, address, now), change)
}
