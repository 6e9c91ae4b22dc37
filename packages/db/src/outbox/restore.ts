import { and, asc, eq, gt, inArray, isNull, notInArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { normalizeHex } from '../hex.js'
import { type CommandState, commands, commandTransitions } from '../schema.js'
import { IllegalTransitionError } from './errors.js'
import { isAllowedTransition } from './states.js'
import type { CommandRow } from './transition.js'

/** A row of `command_transitions`. */
export type TransitionRow = typeof commandTransitions.$inferSelect

/** A transition as recorded, without its serial id: what a replay applies again. */
export type RecordedTransition = Pick<TransitionRow, 'commandId' | 'fromState' | 'toState' | 'detail' | 'at'>

/**
 * Called with rows of `commands` or `command_transitions` just before they are removed, in the caller's transaction
 * (e.g. to keep them in `reorg_removals`).
 */
export type OnRemove = (table: 'commands' | 'command_transitions', rows: object[]) => Promise<void>

/**
 * Writes command `row` into `db` as its decider first wrote it, for a replay of recorded inputs: state `pending`,
 * none of the relayer's columns, created, updated and due at `row.createdAt`, with its creation transitions
 * (`null → pending`, from `created`) copied. Nothing when a command with its id is already there.
 * @returns whether it was written.
 * @throws {IllegalTransitionError} before anything is written, when a transition of `created` is not a creation.
 */
export async function copyDecidedCommand(db: DbOrTx, row: CommandRow, created: readonly RecordedTransition[]): Promise<boolean> {
  for (const t of created) if (t.fromState !== null || t.toState !== 'pending') throw new IllegalTransitionError(t.commandId, t.fromState, t.toState)
  const id = normalizeHex(row.id, 'commands.id')
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(commands)
      .values({
        id,
        kind: row.kind,
        account: row.account,
        destChainId: row.destChainId,
        vault: row.vault,
        payload: row.payload,
        expiry: row.expiry,
        cause: row.cause,
        createdAt: row.createdAt,
        updatedAt: row.createdAt,
        nextAttemptAt: row.createdAt,
      })
      .onConflictDoNothing()
      .returning({ id: commands.id })
    if (inserted.length === 0) return false
    for (const t of created) await tx.insert(commandTransitions).values({ commandId: id, fromState: null, toState: 'pending', detail: t.detail, at: t.at })
    return true
  })
}

/**
 * Applies transition `t` of another database's history again, as recorded, for a replay of recorded inputs: the
 * command moves to `t.toState` (taking the vault's outcome from an execution's detail) whatever state the replay has
 * it in, since a recorded history already passed every check when it was written (two writers may have moved the
 * command one after the other from the same state), and `t` is recorded with its own time. The exception: a command
 * the replay already has `executed`, or `cancelled` (for any move but into `executed`), keeps its state. Live, no
 * writer moves a command out of those, so such a transition was recorded before the aggregator's execution or
 * cancellation, which the replay recomputed first (the input that decided it had not seen the transition). An
 * execution so skipped moves the time of the execution the replay recorded back to its own when earlier: route
 * latencies, hence withdrawal buffers, read when a command was first known executed.
 * @returns whether it was applied (false when the command is not in `db`, or keeps its state as above).
 * @throws {IllegalTransitionError} before anything is written, when `t.fromState → t.toState` is not in the table.
 */
export async function replayRecordedTransition(db: DbOrTx, t: RecordedTransition): Promise<boolean> {
  if (!isAllowedTransition(t.fromState as CommandState | null, t.toState as CommandState))
    throw new IllegalTransitionError(t.commandId, t.fromState as CommandState | null, t.toState as CommandState)
  const id = normalizeHex(t.commandId, 'command_transitions.command_id')
  return db.transaction(async (tx) => {
    const outcome = t.toState === 'executed' && typeof t.detail.outcome === 'string' ? t.detail.outcome : undefined
    const moved = await tx
      .update(commands)
      .set({ state: t.toState as CommandState, ...(outcome ? { outcome } : {}), updatedAt: t.at })
      .where(and(eq(commands.id, id), notInArray(commands.state, t.toState === 'executed' ? ['executed'] : ['executed', 'cancelled'])))
      .returning({ id: commands.id })
    if (moved.length === 0) {
      // an execution the replay recorded later than this one: the execution was known at `t.at`, and route latencies
      // (publish → execution) read that time, so it keeps the earlier
      if (t.toState === 'executed')
        await tx
          .update(commandTransitions)
          .set({ at: t.at })
          .where(and(eq(commandTransitions.commandId, id), eq(commandTransitions.toState, 'executed'), gt(commandTransitions.at, t.at)))
      return false
    }
    await tx.insert(commandTransitions).values({ commandId: id, fromState: t.fromState, toState: t.toState, detail: t.detail, at: t.at })
    return true
  })
}

/**
 * Records the vault's `outcome` of an executed command that has none yet (its execution was recorded by a writer
 * that did not know it, e.g. the relayer's delivery receipt). No transition: the command stays `executed`.
 * @param at when the outcome was seen; stamped on `updated_at`
 * @returns whether it was recorded (false when the command is not executed or already has an outcome).
 */
export async function recordExecutionOutcome(db: DbOrTx, id: string, outcome: string, at: Date = new Date()): Promise<boolean> {
  const moved = await db
    .update(commands)
    .set({ outcome, updatedAt: at })
    .where(and(eq(commands.id, normalizeHex(id, 'commands.id')), eq(commands.state, 'executed'), isNull(commands.outcome)))
    .returning({ id: commands.id })
  return moved.length > 0
}

/**
 * Removes the transitions with ids `ids` (records of deliveries and executions in blocks a reorg beyond finality
 * orphaned), passing them to `onRemove` first. The commands' states are not touched: a {@link mergeReplayedOutbox}
 * in the same transaction sets them from the replay of what remains.
 * @returns the removed rows.
 */
export async function removeOrphanedTransitions(db: DbOrTx, ids: readonly bigint[], onRemove: OnRemove): Promise<TransitionRow[]> {
  if (ids.length === 0) return []
  const rows = await db.select().from(commandTransitions).where(inArray(commandTransitions.id, [...ids])).orderBy(asc(commandTransitions.id))
  await onRemove('command_transitions', rows)
  if (rows.length > 0) await db.delete(commandTransitions).where(inArray(commandTransitions.id, rows.map((r) => r.id)))
  return rows
}

/**
 * The aggregator's moves of a command after its creation, by their `source`: `vault_event` (an execution seen in a
 * vault's `CommandExecuted`) and `aggregator` (a cancellation, `cancelCommands`). A replay recomputes these from the
 * inputs; every other move (relayer, operators) is an input it copies.
 */
const aggregatorMove = sql`coalesce(${commandTransitions.detail}->>'source', '') in ('vault_event', 'aggregator')`
/** The aggregator's own transitions: a command's creation (`null → pending`) and its later moves. */
export const aggregatorTransition = sql`(${commandTransitions.fromState} is null or ${aggregatorMove})`
/** Transitions by a writer other than the aggregator (relayer, operators): a command with one has been acted on. */
const actedOn = sql`not ${aggregatorTransition}`
/** Executions and cancellations the aggregator recorded from vault events. */
const fromVaultEvent = aggregatorMove

export type MergeReplayedOutboxParameters = {
  /** the database a replay of the remaining recorded inputs was written into (read only) */
  rebuilt: DbOrTx
  /** commands holding co-signatures: facts on other chains, like those the relayer or an operator acted on */
  signed: ReadonlySet<string>
  /** commands whose recorded delivery was removed (in an orphaned block): their `deliver_tx` is cleared */
  undelivered: ReadonlySet<string>
  /** receives every row removed, before it goes */
  onRemove: OnRemove
}

export type MergeReplayedOutboxResult = {
  /** never sent, no longer decided: removed with their transitions */
  removedCommands: string[]
  /** decided by the replay only: added, in the replay's state, with the replay's transitions */
  addedCommands: string[]
  /** sent or co-signed but no longer decided: kept as they are */
  keptCommands: string[]
  /** whose state or outcome now follows the replay (an execution seen only in an orphaned block undone) */
  changedCommands: string[]
  /** the aggregator's executions from vault events that the replay no longer sees, removed */
  removedExecutions: number
}

/**
 * Replaces the live outbox of `db` with the one a replay of its remaining recorded inputs built in `rebuilt`, after
 * a reorg beyond finality removed some inputs (`chains resume`). Run it in the transaction that removed them, with
 * `commands` and `command_transitions` locked. Invariants:
 * - a command the relayer or an operator acted on, or that has co-signatures, is never removed and never decided
 *   again under another id: it keeps its row, relayer columns (publish tx, sequence, VAA) and transitions;
 * - a command in both keeps its row and history, and takes the replay's `state` and `outcome` (the state the replay
 *   of its remaining transitions ended in, so its history still ends where its state is); `deliver_tx` is cleared
 *   when its delivery was orphaned, so the relayer delivers it again (a vault executes a command id once);
 * - a command only live, never acted on nor signed, is removed with its transitions (passed to `onRemove` first);
 * - a command only in the replay is added with the replay's row and transitions;
 * - the aggregator's executions and cancellations from vault events are exactly the replay's: those no longer seen are
 *   removed.
 * @returns what changed, by command id.
 */
export async function mergeReplayedOutbox(db: DbOrTx, parameters: MergeReplayedOutboxParameters): Promise<MergeReplayedOutboxResult> {
  const { rebuilt: scratch, signed, undelivered, onRemove } = parameters
  const live = await db.select().from(commands).orderBy(asc(commands.id))
  const rebuilt = new Map((await scratch.select().from(commands)).map((c) => [c.id, c]))
  const acted = new Set((await db.selectDistinct({ id: commandTransitions.commandId }).from(commandTransitions).where(actedOn)).map((r) => r.id))
  const result: MergeReplayedOutboxResult = { removedCommands: [], addedCommands: [], keptCommands: [], changedCommands: [], removedExecutions: 0 }
  for (const c of live) {
    const r = rebuilt.get(c.id)
    if (!r) {
      if (acted.has(c.id) || signed.has(c.id)) {
        result.keptCommands.push(c.id)
        continue
      }
      const transitions = await db.select().from(commandTransitions).where(eq(commandTransitions.commandId, c.id))
      await onRemove('commands', [c])
      await onRemove('command_transitions', transitions)
      await db.delete(commandTransitions).where(eq(commandTransitions.commandId, c.id))
      await db.delete(commands).where(eq(commands.id, c.id))
      result.removedCommands.push(c.id)
      continue
    }
    rebuilt.delete(c.id)
    if (r.state !== c.state || r.outcome !== c.outcome || undelivered.has(c.id)) {
      await db
        .update(commands)
        .set({ state: r.state, outcome: r.outcome, ...(undelivered.has(c.id) ? { deliverTx: null } : {}), updatedAt: new Date() })
        .where(eq(commands.id, c.id))
      result.changedCommands.push(c.id)
    }
  }
  for (const r of rebuilt.values()) {
    await db.insert(commands).values(r)
    const transitions = await scratch.select().from(commandTransitions).where(eq(commandTransitions.commandId, r.id)).orderBy(asc(commandTransitions.id))
    for (const t of transitions) await db.insert(commandTransitions).values({ commandId: t.commandId, fromState: t.fromState, toState: t.toState, detail: t.detail, at: t.at })
    result.addedCommands.push(r.id)
  }
  // an aggregator's move is the same whatever state the relayer had left the command in
  const key = (t: TransitionRow) => `${t.commandId}|${t.toState}|${JSON.stringify(t.detail)}`
  const seen = new Set((await scratch.select().from(commandTransitions).where(fromVaultEvent)).map(key))
  const removed = new Set(result.removedCommands)
  const gone = (await db.select().from(commandTransitions).where(fromVaultEvent)).filter((t) => !seen.has(key(t)) && !removed.has(t.commandId))
  result.removedExecutions = (await removeOrphanedTransitions(db, gone.map((t) => t.id), onRemove)).length
  return result
}
