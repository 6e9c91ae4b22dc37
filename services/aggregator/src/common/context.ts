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
  /**
   * the highest `command_transitions.id` visible when the input being applied began (recorded with it as
   * `transitions_seen`): a decision that reads the relayer's transitions reads none above it, so a later statement of
   * the same transaction (READ COMMITTED) cannot see what `unimargin rebuild` replays only after this input
   */
  transitionsSeen?: bigint
}
