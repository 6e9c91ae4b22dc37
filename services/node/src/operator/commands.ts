import { and, type CommandState, commands, commandTransitions, type Db, desc, eq, inArray } from '@unimargin/db'

export type CommandSummary = Pick<
  typeof commands.$inferSelect,
  'id' | 'kind' | 'account' | 'destChainId' | 'state' | 'outcome' | 'attempts' | 'lastError' | 'cause' | 'updatedAt'
>

/** Every state of the outbox's state machine (a record, so a state added to `CommandState` must be named here). */
const STATES: Record<CommandState, true> = {
  pending: true,
  published: true,
  attested: true,
  delivered: true,
  executed: true,
  failed: true,
  dead: true,
}
/** The outbox's command states, in the order a command moves through them. */
export const COMMAND_STATES = Object.keys(STATES) as CommandState[]

/** Thrown when an operator names a state the outbox does not have (a typo would otherwise list nothing). */
export class UnknownCommandStateError extends Error {
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
  const unknown = states.filter((s) => !(s in STATES))
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
export class NotDeadLetteredError extends Error {
  override name = 'NotDeadLetteredError'
}

/**
 * Puts a dead-lettered command back in the relayer's queue: state `failed`, attempts reset, due now, claim released,
 * with a transition recording who asked and why. The relayer resumes from the command's recorded progress (publish
 * tx, VAA), so nothing already done is repeated.
 * @throws {NotDeadLetteredError} when the command does not exist or is not `dead`.
 */
export async function retryDeadCommand(db: Db, id: string, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const moved = await tx
      .update(commands)
      .set({ state: 'failed', attempts: 0, nextAttemptAt: new Date(), claimedBy: null, claimedUntil: null, updatedAt: new Date() })
      .where(and(eq(commands.id, id), eq(commands.state, 'dead')))
      .returning({ id: commands.id })
    if (moved.length === 0) throw new NotDeadLetteredError(`Command ${id} is not dead-lettered (or does not exist); only dead commands can be retried.`)
    await tx.insert(commandTransitions).values({ commandId: id, fromState: 'dead', toState: 'failed', detail: { operator_retry: true, reason } })
  })
}
