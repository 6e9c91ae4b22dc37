import type { CommandState } from '../schema.js'

/**
 * The outbox's transition table: for each state, the states a command may move to from it. A command moves
 * forward along pending → published → attested → delivered (repeating a step, or skipping one when a single
 * transaction did several, e.g. a LayerZero delivery that verified, committed and executed), to `executed` when its
 * vault's `CommandExecuted` is seen, to `failed` when a step fails (and on from `failed` wherever its recorded
 * progress lets it resume), to `dead` when it is dead-lettered, to `cancelled` when the aggregator that decided it
 * learns it can no longer take effect (an approval of a request its vault already closed, a lock the aggregator
 * cancelled). It goes back to `pending` only to be re-sent over the other transport (a fallback, or a delivery the
 * vault held for its second transport). A dead command moves only when an operator retries it (`failed`), records an
 * action on it (`dead`, e.g. its packets burnt), the aggregator cancels it, or its vault executes it after all
 * (`executed`). A cancelled command is no longer carried, but one already attested may still be delivered by anyone
 * and executed (`executed`, with the vault's outcome). `executed` is final.
 */
export const COMMAND_TRANSITIONS = {
  pending: ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead', 'cancelled'],
  published: ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead', 'cancelled'],
  attested: ['pending', 'attested', 'delivered', 'executed', 'failed', 'dead', 'cancelled'],
  delivered: ['pending', 'delivered', 'executed', 'failed', 'dead', 'cancelled'],
  executed: [],
  failed: ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead', 'cancelled'],
  dead: ['failed', 'dead', 'executed', 'cancelled'],
  cancelled: ['executed'],
} as const satisfies Record<CommandState, readonly CommandState[]>

/** Every state of the outbox, in the order a command moves through them. */
export const COMMAND_STATES = Object.keys(COMMAND_TRANSITIONS) as CommandState[]

/** States a command is still carried from: the relayer claims commands in these. */
export const OPEN_COMMAND_STATES = ['pending', 'published', 'attested', 'delivered', 'failed'] as const satisfies readonly CommandState[]

/** Whether `value` names a state of the outbox. */
export function isCommandState(value: string): value is CommandState {
  return Object.hasOwn(COMMAND_TRANSITIONS, value)
}

/** Whether {@link COMMAND_TRANSITIONS} lets a command move from `from` (`null`: not yet written) to `to`. */
export function isAllowedTransition(from: CommandState | null, to: CommandState): boolean {
  if (from === null) return to === 'pending'
  return (COMMAND_TRANSITIONS[from] as readonly CommandState[]).includes(to)
}
