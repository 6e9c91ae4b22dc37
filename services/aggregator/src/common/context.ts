import type { Config } from '@unimargin/chains'
import type { DbOrTx } from '@unimargin/db'
import type { Logger } from 'pino'

/** What every state change needs: the open transaction, the config, a logger and the clock. */
export type Context = {
  tx: DbOrTx
  config: Config
  logger: Logger
  now: () => Date
  /**
   * unix seconds the current decision is taken at: the block timestamp of the event being applied, or the clock
   * for API-driven changes. Commands expire `commandTtlSeconds` after the destination chain's newest known block
   * (or this, when none is known yet).
   */
  referenceTs: bigint
}
