import { and, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { normalizeHex, normalizeOptionalHex } from '../hex.js'
import { type CommandState, commands, commandTransitions } from '../schema.js'
import { IllegalTransitionError, UnsettableColumnError } from './errors.js'
import { isAllowedTransition } from './states.js'

/** A row of `commands`. */
export type CommandRow = typeof commands.$inferSelect

/** The command a move starts from: its id and the state its writer saw it in. */
export type CommandRef = { id: string; state: CommandState }

/** Columns a transition may set with the state, with their SQL names and types. */
const SETTABLE = {
  publishTx: ['publish_tx', 'text'],
  sequence: ['sequence', 'bigint'],
  attempts: ['attempts', 'integer'],
  lastError: ['last_error', 'text'],
  vaa: ['vaa', 'text'],
  deliverTx: ['deliver_tx', 'text'],
  outcome: ['outcome', 'text'],
  nextAttemptAt: ['next_attempt_at', 'timestamptz'],
} as const
type Settable = keyof typeof SETTABLE
const HEX_COLUMNS = new Set<Settable>(['publishTx', 'vaa', 'deliverTx'])

/**
 * What a transition may set along with the state: the publish tx and sequence (Wormhole sequence or LayerZero
 * nonce), the VAA, the delivery tx, the vault's outcome, the attempt count, the last error and when the command is
 * next due. Hex values are stored lower-case.
 */
export type TransitionSet = Partial<Pick<typeof commands.$inferInsert, Settable>>

/** One hop of a command's state machine: the state it moves to and what happened (tx hashes, errors), as recorded. */
export type Hop = { to: CommandState; detail: Record<string, unknown> }

/** A command moved through one or more hops; `set` is applied with the last one. */
export type Move = { command: CommandRef; hops: Hop[]; set?: TransitionSet }

/**
 * The columns of `set`, checked and with hex values normalised.
 * @throws {UnsettableColumnError} for a column outside {@link TransitionSet}.
 */
function checkedSet(set: Record<string, unknown>): TransitionSet {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(set)) {
    if (!Object.hasOwn(SETTABLE, key)) throw new UnsettableColumnError(key)
    out[key] = HEX_COLUMNS.has(key as Settable) ? normalizeOptionalHex(value as string | null | undefined, `commands.${SETTABLE[key as Settable][0]}`) : value
  }
  return out as TransitionSet
}

/**
 * The hops of `move`, each checked against the transition table.
 * @throws {IllegalTransitionError} for the first hop the table does not allow.
 */
function checkedHops(move: Move): { from: CommandState; to: CommandState; detail: Record<string, unknown> }[] {
  let from = move.command.state
  return move.hops.map((hop) => {
    if (!isAllowedTransition(from, hop.to)) throw new IllegalTransitionError(move.command.id, from, hop.to)
    const row = { from, to: hop.to, detail: hop.detail }
    from = hop.to
    return row
  })
}

/**
 * Moves `command` to `to`, records the transition with `detail` and applies `set`, in one transaction, only if the
 * command is still in `command.state` (another writer, e.g. the aggregator seeing `CommandExecuted`, may have moved
 * it first). Releases any relayer's claim on it.
 * @param options.at when it happened (default: now); stamped on the transition and `updated_at`
 * @returns whether it moved.
 * @throws {IllegalTransitionError} before anything is written, when the table does not allow `command.state` → `to`.
 * @throws {UnsettableColumnError} before anything is written, when `set` names a column outside {@link TransitionSet}.
 * @throws {InvalidHexError} when a hex column of `set` is not hex.
 */
export async function transitionCommand(
  db: DbOrTx,
  command: CommandRef,
  to: CommandState,
  detail: Record<string, unknown>,
  set: TransitionSet = {},
  options: { at?: Date } = {},
): Promise<boolean> {
  if (!isAllowedTransition(command.state, to)) throw new IllegalTransitionError(command.id, command.state, to)
  const values = checkedSet(set)
  const at = options.at ?? new Date()
  const id = normalizeHex(command.id, 'commands.id')
  return db.transaction(async (tx) => {
    const moved = await tx
      .update(commands)
      .set({ ...values, state: to, updatedAt: at, claimedBy: null, claimedUntil: null })
      .where(and(eq(commands.id, id), eq(commands.state, command.state)))
      .returning({ id: commands.id })
    if (moved.length === 0) return false
    await tx.insert(commandTransitions).values({ commandId: id, fromState: command.state, toState: to, detail, at })
    return true
  })
}

/**
 * Records many moves at once: each command goes from `command.state` through its `hops` (e.g. published → attested
 * → delivered → executed when one transaction verified and executed a packet), only if it is still in
 * `command.state`, and every hop is recorded in `command_transitions` in order. Releases the claims on them.
 * Moves that set the same columns share one statement (an update joined to a VALUES list and the insert of their
 * hops, atomic), so a batch of a hundred commands costs one round trip rather than two hundred.
 * @returns the ids that moved (a command another writer moved first is left alone).
 * @throws {IllegalTransitionError} before anything is written, when a hop of any move is not in the table.
 * @throws {UnsettableColumnError} before anything is written, when a move sets a column outside {@link TransitionSet}.
 * @throws {InvalidHexError} when an id or a hex column of a move is not hex.
 */
export async function transitionCommands(db: DbOrTx, moves: readonly Move[]): Promise<Set<string>> {
  const moved = new Set<string>()
  const groups = new Map<string, { id: string; from: CommandState; set: TransitionSet; hops: ReturnType<typeof checkedHops> }[]>()
  for (const m of moves) {
    if (m.hops.length === 0) continue
    const hops = checkedHops(m)
    const set = checkedSet(m.set ?? {})
    const signature = Object.keys(set).sort().join(',')
    const entry = { id: normalizeHex(m.command.id, 'commands.id'), from: m.command.state, set, hops }
    groups.set(signature, [...(groups.get(signature) ?? []), entry])
  }
  for (const [signature, group] of groups) {
    const keys = (signature ? signature.split(',') : []) as Settable[]
    const value = (k: Settable, v: unknown) => {
      const [, type] = SETTABLE[k]
      const param = v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v
      return sql`${param}::${sql.raw(type)}`
    }
    const rows = group.map(
      (m) =>
        sql`(${m.id}::text, ${m.from}::text, ${m.hops.at(-1)!.to}::text${sql.join(
          keys.map((k) => sql`, ${value(k, (m.set as Record<string, unknown>)[k])}`),
          sql``,
        )})`,
    )
    const hops = group.flatMap((m) => m.hops.map((h) => ({ id: m.id, from: h.from, to: h.to, detail: JSON.stringify(h.detail) })))
    const columns = sql.raw(['id', 'from_state', 'to_state', ...keys.map((k) => `v_${SETTABLE[k][0]}`)].join(', '))
    const assignments = sql.raw(keys.map((k) => `, ${SETTABLE[k][0]} = v.v_${SETTABLE[k][0]}`).join(''))
    const result = await db.execute(sql`
      with v(${columns}) as (values ${sql.join(rows, sql`, `)}),
      m as (
        update ${commands} c set state = v.to_state, updated_at = now(), claimed_by = null, claimed_until = null${assignments}
        from v where c.id = v.id and c.state = v.from_state
        returning c.id
      ),
      h(command_id, ord, from_state, to_state, detail) as (values ${sql.join(
        hops.map((h, i) => sql`(${h.id}::text, ${i}::integer, ${h.from}::text, ${h.to}::text, ${h.detail}::jsonb)`),
        sql`, `,
      )})
      insert into ${commandTransitions} (command_id, from_state, to_state, detail)
      select h.command_id, h.from_state, h.to_state, h.detail from h join m on m.id = h.command_id order by h.ord
      returning command_id`)
    const out = (result as unknown as { rows?: { command_id: string }[] }).rows ?? (result as unknown as { command_id: string }[])
    for (const r of out) moved.add(r.command_id)
  }
  return moved
}

/**
 * Dead-letters `command`: moves it to `dead` with `detail` (the error, the attempts) and `set`, only if it is still in
 * `command.state`. The relayer no longer claims it; an operator may retry it ({@link retryDeadCommand}).
 * @returns whether it moved.
 * @throws {IllegalTransitionError} when `command.state` cannot move to `dead` (it is executed).
 */
export function deadLetterCommand(db: DbOrTx, command: CommandRef, detail: Record<string, unknown>, set: TransitionSet = {}): Promise<boolean> {
  return transitionCommand(db, command, 'dead', detail, set)
}

/**
 * Puts dead-lettered command `id` back in the relayer's queue: `dead` → `failed`, attempts reset, due now, claim
 * released, with `detail` (who asked and why) recorded. The relayer resumes from the command's recorded progress
 * (publish tx, VAA), so nothing already done is repeated.
 * @returns whether it moved (false when the command does not exist or is not `dead`).
 */
export function retryDeadCommand(db: DbOrTx, id: string, detail: Record<string, unknown>): Promise<boolean> {
  return transitionCommand(db, { id, state: 'dead' }, 'failed', detail, { attempts: 0, nextAttemptAt: new Date() })
}

/**
 * Records an operator's action on dead-lettered command `id` (e.g. its LayerZero packets burnt or their removal
 * scheduled) as a `dead` → `dead` transition with `detail`; the command stays dead.
 * @returns whether it was recorded (false when the command does not exist or is no longer `dead`).
 */
export function recordDeadCommandAction(db: DbOrTx, id: string, detail: Record<string, unknown>): Promise<boolean> {
  return transitionCommand(db, { id, state: 'dead' }, 'dead', detail)
}
