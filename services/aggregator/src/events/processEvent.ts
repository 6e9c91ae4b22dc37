import { chainEvents, type DbOrTx, eq } from '@unimargin/db'
import { InvalidEventError } from '../common/errors.js'
import type { Context } from '../common/context.js'
import { type ApplyResult, applyEvent, type ChainEventRow } from './applyEvent.js'

/**
 * Processes one chain event in the caller's transaction, as the aggregator does and as `unimargin rebuild` replays
 * it: {@link applyEvent} in a savepoint at the event's block timestamp (`referenceTs`), a malformed event's changes
 * rolled back and the event skipped, then `processed_at = ctx.now()`.
 * @returns `applied`, `ignored`, or `malformed` (logged at error level).
 * @throws the database error that aborted the event; the caller's transaction must then be rolled back.
 */
export async function processEvent(ctx: Omit<Context, 'referenceTs' | 'tx'> & { tx: DbOrTx }, event: ChainEventRow): Promise<ApplyResult | 'malformed'> {
  const { tx, logger } = ctx
  let result: ApplyResult | 'malformed'
  try {
    result = await tx.transaction((sp) => applyEvent({ ...ctx, tx: sp, referenceTs: event.blockTimestamp }, event))
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error
    logger.error({ event_id: event.id.toString(), chain_id: event.chainId, event_name: event.eventName, error: error.message }, 'Skipped malformed event')
    result = 'malformed'
  }
  await tx.update(chainEvents).set({ processedAt: ctx.now() }).where(eq(chainEvents.id, event.id))
  return result
}
