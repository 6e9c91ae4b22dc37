import { and, eq, notInArray } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { commands } from '../schema.js'
import { transitionCommand } from './transition.js'

/** What {@link cancelCommands} cancels: the commands of one decision (`cause`, e.g. `withdrawal:<chainId>:<requestId>`) of one kind. */
export type CancelledCommands = { cause: string; kind: string }

/**
 * Moves to `cancelled` every command of `which` not yet `executed` or `cancelled`, recording `detail` with
 * `source: 'aggregator'` (the decider's own transition, which a rebuild recomputes rather than copies). The rows are
 * locked first (`for update`), so a relayer moving one at the same time is waited for and the move starts from the
 * state it left. The relayer no longer claims a cancelled command; a vault may still execute one already attested.
 * Called inside the decider's transaction: it commits with the decision that made the commands moot.
 * @param at when it happened; stamped on the transitions and `updated_at`
 * @returns the ids of the commands cancelled.
 */
export async function cancelCommands(db: DbOrTx, which: CancelledCommands, detail: Record<string, unknown>, at: Date): Promise<string[]> {
  const open = await db
    .select({ id: commands.id, state: commands.state })
    .from(commands)
    .where(and(eq(commands.cause, which.cause), eq(commands.kind, which.kind), notInArray(commands.state, ['executed', 'cancelled'])))
    .orderBy(commands.id)
    .for('update')
  const cancelled: string[] = []
  for (const c of open) if (await transitionCommand(db, c, 'cancelled', { ...detail, source: 'aggregator' }, {}, { at })) cancelled.push(c.id)
  return cancelled
}
