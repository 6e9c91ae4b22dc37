import { COMMAND_STATES, type CommandState, commands, type Db, desc, inArray, isCommandState, retryDeadCommand as retryInOutbox } from '@unimargin/db'
import { UnimarginError } from '@unimargin/errors'

export type CommandSummary = Pick<
  typeof commands.$inferSelect,
  'id' | 'kind' | 'account' | 'destChainId' | 'state' | 'outcome' | 'attempts' | 'lastError' | 'cause' | 'updatedAt'
>

/** Thrown when an operator names a state the outbox does not have (a typo would otherwise list nothing). */
export class UnknownCommandStateError extends UnimarginError {
  override name = 'UnknownCommandStateError'
  constructor(readonly unknown: string[]) {
    super(`Unknown command state${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `'${s}'`).join(', ')}; the states are ${COMMAND_STATES.join(', ')}.`)
  }
}

/**
 * Commands in the given states (default: dead and failed), newest first, at most `limit`.
 * @throws {UnknownCommandStateError} if a state is not one of {@link COMMAND_STATES} (nothing is read)
 */
export async function listCommands(db: Db, states: string[] = ['dead', 'failed'], limit = 50): Promise<CommandSummary[]> {
  const unknown = states.filter((s) => !isCommandState(s))
  if (unknown.length > 0) throw new UnknownCommandStateError(unknown)
  return db
    .select({
      id: commands.id,
      kind: commands.kind,
      account: commands.account,
      destChainId: commands.destChainId,
      state: commands.state,
      outcome: commands.outcome,
      attempts: commands.attempts,
      lastError: commands.lastError,
      cause: commands.cause,
      updatedAt: commands.updatedAt,
    })
    .from(commands)
    .where(inArray(commands.state, states as CommandState[]))
    .orderBy(desc(commands.updatedAt))
    .limit(limit)
}

/** Thrown when an operator asks to retry a command that is not dead-lettered. */
export class NotDeadLetteredError extends UnimarginError {
  override name = 'NotDeadLetteredError'
}

/**
 * Puts a dead-lettered command back in the relayer's queue: state `failed`, attempts reset, due now, claim released,
 * with a transition recording who asked and why. The relayer resumes from the command's recorded progress (publish
 * tx, VAA), so nothing already done is repeated.
 * @throws {NotDeadLetteredError} when the command does not exist or is not `dead`.
 * @throws {InvalidHexError} when `id` is not 0x-hex.
 */
export async function retryDeadCommand(db: Db, id: string, reason: string): Promise<void> {
  const moved = await retryInOutbox(db, id, { operator_retry: true, reason })
  if (!moved) throw new NotDeadLetteredError(`Command ${id} is not dead-lettered (or does not exist); only dead commands can be retried.`)
}
