import type { CommandState } from '../schema.js'

/**
 * The outbox's transition table: for each state, the states a command may move to from it. A command moves
 * forward along pending → published → attested → delivered (repeating a step, or skipping one when a single
 * transaction did several, e.g. a LayerZero delivery that verified, committed and executed), to `executed` when its
 * vault's `CommandExecuted` is seen, to `failed` when a step fails (and on from `failed` wherever its recorded
 * progress lets it resume), to `dead` when it is dead-lettered. It goes back to `pending` only to be re-sent over
 * the other transport (a fallback, or a delivery the vault held for its second transport). A dead command moves
 * only when an operator retries it (`failed`), records an action on it (`dead`, e.g. its packets burnt), or its
 * vault executes it after all (`executed`). `executed` is final.
 */
export const COMMAND_TRANSITIONS = {
  pending: ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead'],
  published: ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead'],
  attested: ['pending', 'attested', 'delivered', 'executed', 'failed', 'dead'],
  delivered: ['pending', 'delivered', 'executed', 'failed', 'dead'],
  executed: [],
  failed: ['pending', 'published', 'attested', 'delivered', 'executed', 'failed', 'dead'],
  dead: ['failed', 'dead', 'executed'],
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
