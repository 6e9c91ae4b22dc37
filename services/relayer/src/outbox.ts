import { and, commandSignatures, commands, commandTransitions, type CommandState, type Db, type DbOrTx, eq, inArray, sql } from '@unimargin/db'
import { type CoSignature, orderCoSignatures } from '@unimargin/protocol'
import { type Address, getAddress, type Hex } from 'viem'

export type CommandRow = typeof commands.$inferSelect

/**
 * Claims up to `limit` due commands for `relayerId` for `leaseMs`: rows not yet executed or dead whose
 * `next_attempt_at` has passed and whose lease (if any) expired. Uses `FOR UPDATE SKIP LOCKED` so several relayer
 * nodes on one PostgreSQL never take the same row.
 */
export async function claimDueCommands(db: Db, relayerId: string, limit: number, leaseMs: number): Promise<CommandRow[]> {
  const claimed = await db
    .update(commands)
    .set({ claimedBy: relayerId, claimedUntil: sql`now() + (${leaseMs} * interval '1 millisecond')` })
    .where(
      inArray(
        commands.id,
        sql`(select ${commands.id} from ${commands}
          where ${commands.state} in ('pending', 'published', 'attested', 'delivered', 'failed')
            and ${commands.nextAttemptAt} <= now()
            and (${commands.claimedUntil} is null or ${commands.claimedUntil} < now())
          order by ${commands.createdAt}, ${commands.id}
          limit ${limit}
          for update skip locked)`,
      ),
    )
    .returning()
  return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
}

/**
 * Releases every claim `relayerId` holds on a command not yet executed or dead, as if its lease had expired: the
 * command becomes due at its `next_attempt_at` and resumes from its recorded state (publish tx, sequence, VAA), so
 * nothing already done is repeated. For a stable node id at start, whose claims can only be leftovers of the same
 * node's previous run; never call it with an id another live process may use.
 * @returns how many claims were released.
 */
export async function releaseClaims(db: DbOrTx, relayerId: string): Promise<number> {
  const released = await db
    .update(commands)
    .set({ claimedBy: null, claimedUntil: null })
    .where(and(eq(commands.claimedBy, relayerId), inArray(commands.state, ['pending', 'published', 'attested', 'delivered', 'failed'])))
    .returning({ id: commands.id })
  return released.length
}

/**
 * Moves a command to `to`, records the transition with `detail`, and applies `set` (tx hashes, sequence, VAA, ...)
 * in one transaction, only if the command is still in `command.state` (another writer, e.g. the aggregator seeing
 * `CommandExecuted`, may have moved it first). Releases the relayer's claim. Returns whether it moved.
 */
export async function transition(
  db: DbOrTx,
  command: Pick<CommandRow, 'id' | 'state'>,
  to: CommandState,
  detail: Record<string, unknown>,
  set: Partial<typeof commands.$inferInsert> = {},
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved = await tx
      .update(commands)
      .set({ ...set, state: to, updatedAt: new Date(), claimedBy: null, claimedUntil: null })
      .where(and(eq(commands.id, command.id), eq(commands.state, command.state)))
      .returning({ id: commands.id })
    if (moved.length === 0) return false
    await tx.insert(commandTransitions).values({ commandId: command.id, fromState: command.state, toState: to, detail })
    return true
  })
}

/** One hop of a command's state machine, as {@link transitionMany} records it. */
export type Hop = { to: CommandState; detail: Record<string, unknown> }

/** A command moved through one or more hops; `set` is applied with the last one. */
export type Move = { command: Pick<CommandRow, 'id' | 'state'>; hops: Hop[]; set?: Partial<typeof commands.$inferInsert> }

/** Columns a move may set, with their SQL names and types. */
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

/**
 * Records many moves at once: each command goes from `command.state` through its `hops` (e.g. published → attested
 * → delivered → executed when one transaction verified and executed a packet), only if it is still in
 * `command.state`, and every hop is recorded in `command_transitions` in order. Releases the relayer's claims.
 * Moves that set the same columns share one statement (an update joined to a VALUES list and the insert of their
 * hops, atomic), so a batch of a hundred commands costs one round trip rather than two hundred.
 * @returns the ids that moved (a command another writer moved first is left alone).
 * @throws Error if a move sets a column outside {@link SETTABLE}.
 */
export async function transitionMany(db: DbOrTx, moves: Move[]): Promise<Set<string>> {
  const moved = new Set<string>()
  const groups = new Map<string, Move[]>()
  for (const m of moves) {
    if (m.hops.length === 0) continue
    const keys = Object.keys(m.set ?? {}).sort()
    for (const k of keys) if (!(k in SETTABLE)) throw new Error(`transitionMany cannot set ${k}`)
    const sig = keys.join(',')
    groups.set(sig, [...(groups.get(sig) ?? []), m])
  }
  for (const [sig, group] of groups) {
    const keys = (sig ? sig.split(',') : []) as Settable[]
    const value = (k: Settable, v: unknown) => {
      const [, type] = SETTABLE[k]
      const param = v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : v
      return sql`${param}::${sql.raw(type)}`
    }
    const rows = group.map(
      (m) =>
        sql`(${m.command.id}::text, ${m.command.state}::text, ${m.hops.at(-1)!.to}::text${sql.join(
          keys.map((k) => sql`, ${value(k, (m.set as Record<string, unknown>)[k])}`),
          sql``,
        )})`,
    )
    const hops = group.flatMap((m) => {
      let from: string = m.command.state
      return m.hops.map((h) => {
        const row = { id: m.command.id, from, to: h.to, detail: JSON.stringify(h.detail) }
        from = h.to
        return row
      })
    })
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
 * Counts an attempt of each of `ids` before a step sends its transaction. A process killed between sending and
 * recording the outcome leaves the command as it was, and the next attempt would send it again (a second publish of
 * the same command on the hub); counted beforehand, the next attempt sees `attempts > 0` and first looks on-chain for
 * what the cut-short one did (`earlierPublishes`). The step's recorded outcome then sets `attempts` as usual: 0 on
 * success, the in-memory count plus one on failure (the same number).
 */
export async function countAttempts(db: DbOrTx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(commands)
    .set({ attempts: sql`${commands.attempts} + 1` })
    .where(inArray(commands.id, [...ids]))
}

/** Releases the claims on `ids` and makes them due again after `delayMs`, in one statement. */
export async function rescheduleMany(db: DbOrTx, ids: string[], delayMs: number): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(commands)
    .set({ nextAttemptAt: new Date(Date.now() + delayMs), claimedBy: null, claimedUntil: null })
    .where(inArray(commands.id, ids))
}

/**
 * Stores co-signatures of command `commandId` (one row per signer; a signer already stored keeps its first
 * signature). The only writer of `command_signatures`.
 */
export async function storeCoSignatures(db: DbOrTx, commandId: string, signatures: readonly CoSignature[]): Promise<void> {
  if (signatures.length === 0) return
  await db
    .insert(commandSignatures)
    .values(signatures.map((s) => ({ commandId, signer: getAddress(s.signer), signature: s.signature })))
    .onConflictDoNothing()
}

/** The stored co-signatures of each of `ids` (commands without any are absent). */
export async function coSignaturesOf(db: DbOrTx, ids: readonly string[]): Promise<Map<string, CoSignature[]>> {
  const out = new Map<string, CoSignature[]>()
  if (ids.length === 0) return out
  const rows = await db.select().from(commandSignatures).where(inArray(commandSignatures.commandId, [...ids]))
  for (const r of rows) out.set(r.commandId, [...(out.get(r.commandId) ?? []), { signer: r.signer as Address, signature: r.signature as Hex }])
  return out
}

/**
 * The signatures each of `ids` is published with: `threshold` of its stored co-signatures, by increasing signer, as
 * MarginHub's publish entry points take them. Commands holding fewer are absent.
 */
export async function publishableSignatures(db: DbOrTx, ids: readonly string[], threshold: number): Promise<Map<string, Hex[]>> {
  const out = new Map<string, Hex[]>()
  for (const [id, list] of await coSignaturesOf(db, ids)) {
    const ordered = orderCoSignatures(list)
    if (ordered.length >= threshold) out.set(id, ordered.slice(0, threshold))
  }
  return out
}
