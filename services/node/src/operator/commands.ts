import { and, commands, commandTransitions, type Db, desc, eq, inArray } from '@unimargin/db'

export type CommandSummary = Pick<
  typeof commands.$inferSelect,
  'id' | 'kind' | 'account' | 'destChainId' | 'state' | 'outcome' | 'attempts' | 'lastError' | 'cause' | 'updatedAt'
>

/** Commands in the given states (default: dead and failed), newest first, at most `limit`. */
export async function listCommands(db: Db, states: string[] = ['dead', 'failed'], limit = 50): Promise<CommandSummary[]> {
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
    .where(inArray(commands.state, states as (typeof commands.$inferSelect)['state'][]))
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
