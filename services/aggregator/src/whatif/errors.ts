import { AggregatorError } from '../common/errors.js'

/** A what-if that did not finish within the pool's timeout (waiting included); its thread was terminated. */
export class WhatIfTimeoutError extends AggregatorError {
  override name = 'WhatIfTimeoutError'
  constructor(readonly timeoutMs: number) {
    super(`The what-if did not finish within ${timeoutMs} ms.`, { timeoutMs })
  }
}

/** A what-if refused because `maxQueue` what-ifs already wait for a thread. */
export class WhatIfQueueFullError extends AggregatorError {
  override name = 'WhatIfQueueFullError'
  constructor(readonly maxQueue: number) {
    super(`Too many what-ifs are waiting (${maxQueue}); try again shortly.`, { maxQueue })
  }
}
