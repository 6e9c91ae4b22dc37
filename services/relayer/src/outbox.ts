import { and, commands, commandTransitions, type CommandState, type Db, type DbOrTx, eq, inArray, sql } from '@unimargin/db'

export type CommandRow = typeof commands.$inferSelect

/**
 * Claims up to `limit` due commands for `relayerId` for `leaseMs`: rows not yet executed or dead whose
 * `next_attempt_at` has passed and whose lease (if any) expired. Uses `FOR UPDATE SKIP LOCKED` so several relayer
 * nodes on one PostgreSQL never take the same row.
 */
export async function claimDueCommands(db: Db, relayerId: string, limit: number, leaseMs: number): Promise<CommandRow[]> {
  const rows = await db.execute(sql`
    update ${commands} set claimed_by = ${relayerId}, claimed_until = now() + (${leaseMs} * interval '1 millisecond')
    where ${commands.id} in (
      select ${commands.id} from ${commands}
      where ${commands.state} in ('pending', 'published', 'attested', 'delivered', 'failed')
        and ${commands.nextAttemptAt} <= now()
        and (${commands.claimedUntil} is null or ${commands.claimedUntil} < now())
      order by ${commands.createdAt}, ${commands.id}
      limit ${limit}
      for update skip locked
    )
    returning id`)
  const ids = ((rows as unknown as { rows?: { id: string }[] }).rows ?? (rows as unknown as { id: string }[])).map((r) => r.id)
  if (ids.length === 0) return []
  const claimed = await db.select().from(commands).where(sql`${commands.id} in ${ids}`)
  return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
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

/** Releases the claim on a command and makes it due again after `delayMs`, without recording a transition. */
export async function reschedule(db: DbOrTx, id: string, delayMs: number): Promise<void> {
  await db
    .update(commands)
    .set({ nextAttemptAt: new Date(Date.now() + delayMs), claimedBy: null, claimedUntil: null })
    .where(eq(commands.id, id))
}

/** One hop of a command's state machine, as {@link transitionMany} records it. */
export type Hop = { to: CommandState; detail: Record<string, unknown> }

/** A command moved through one or more hops; `set` is applied with the last one. */
export type Move = { command: Pick<CommandRow, 'id' | 'state'>; hops: Hop[]; set?: Partial<typeof commands.$inferInsert> }

/**
 * Records many moves in one database transaction: each command goes from `command.state` through its `hops` (e.g.
 * published → attested → delivered → executed when one transaction verified and executed a packet), only if it is
 * still in `command.state`; every hop is recorded in `command_transitions` in order. Releases the relayer's claims.
 * A batch of commands that shared a transaction costs one update per command and a single insert.
 * @returns the ids that moved (a command another writer moved first is left alone).
 */
export async function transitionMany(db: DbOrTx, moves: Move[]): Promise<Set<string>> {
  const moved = new Set<string>()
  if (moves.length === 0) return moved
  await db.transaction(async (tx) => {
    const rows: (typeof commandTransitions.$inferInsert)[] = []
    for (const { command, hops, set } of moves) {
      const last = hops.at(-1)
      if (!last) continue
      const updated = await tx
        .update(commands)
        .set({ ...set, state: last.to, updatedAt: new Date(), claimedBy: null, claimedUntil: null })
        .where(and(eq(commands.id, command.id), eq(commands.state, command.state)))
        .returning({ id: commands.id })
      if (updated.length === 0) continue
      moved.add(command.id)
      let from = command.state
      for (const hop of hops) {
        rows.push({ commandId: command.id, fromState: from, toState: hop.to, detail: hop.detail })
        from = hop.to
      }
    }
    if (rows.length > 0) await tx.insert(commandTransitions).values(rows)
  })
  return moved
}

/** Releases the claims on `ids` and makes them due again after `delayMs`, in one statement. */
export async function rescheduleMany(db: DbOrTx, ids: string[], delayMs: number): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(commands)
    .set({ nextAttemptAt: new Date(Date.now() + delayMs), claimedBy: null, claimedUntil: null })
    .where(inArray(commands.id, ids))
}
