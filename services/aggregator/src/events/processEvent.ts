import { chainEvents, commandTransitions, type DbOrTx, eq, sql } from '@unimargin/db'
import { InvalidEventError } from '../common/errors.js'
import type { Context } from '../common/context.js'
import { type ApplyResult, applyEvent, type ChainEventRow } from './applyEvent.js'

/**
 * Processes one chain event in the caller's transaction, as the aggregator does and as `unimargin rebuild` replays
 * it: {@link applyEvent} in a savepoint at the event's block timestamp (`referenceTs`), a malformed event's changes
 * rolled back and the event skipped, then `processed_at = ctx.now()` and `transitions_seen` (the highest command
 * transition id visible when it began: the relayer's transitions the decision saw, see {@link transitionsSeen}).
 * @returns `applied`, `ignored`, or `malformed` (logged at error level).
 * @throws the database error that aborted the event; the caller's transaction must then be rolled back.
 */
export async function processEvent(ctx: Omit<Context, 'referenceTs' | 'tx'> & { tx: DbOrTx }, event: ChainEventRow): Promise<ApplyResult | 'malformed'> {
  const { tx, logger } = ctx
  const seen = await transitionsSeen(tx)
  let result: ApplyResult | 'malformed'
  try {
    result = await tx.transaction((sp) => applyEvent({ ...ctx, tx: sp, referenceTs: event.blockTimestamp, transitionsSeen: seen }, event))
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error
    logger.error({ event_id: event.id.toString(), chain_id: event.chainId, event_name: event.eventName, error: error.message }, 'Skipped malformed event')
    result = 'malformed'
  }
  await tx.update(chainEvents).set({ processedAt: ctx.now(), transitionsSeen: seen }).where(eq(chainEvents.id, event.id))
  return result
}

/**
 * The highest `command_transitions.id` visible in `tx` (0 when none): recorded with each input the aggregator applies,
 * so `unimargin rebuild` replays before it exactly the relayer's transitions it could see, whatever the writers' clocks.
 */
export async function transitionsSeen(tx: DbOrTx): Promise<bigint> {
  const [row] = await tx.select({ max: sql<string | null>`max(${commandTransitions.id})` }).from(commandTransitions)
  return BigInt(row?.max ?? 0)
}
