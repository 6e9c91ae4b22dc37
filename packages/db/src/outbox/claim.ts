import { and, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { normalizeHex } from '../hex.js'
import { commands, registeredVaults } from '../schema.js'
import { OPEN_COMMAND_STATES } from './states.js'
import type { CommandRow } from './transition.js'

/**
 * Claims up to `limit` due commands for `relayerId` for `leaseMs` ms: rows still open (not executed or dead) whose
 * `next_attempt_at` has passed and whose lease, if any, expired, oldest first. The rows are picked `FOR UPDATE SKIP
 * LOCKED`, so claimers running at once on one PostgreSQL (several relayer nodes) get disjoint rows and none waits
 * for another. A command to a chain whose vault the VaultRegistry marks `retired` (`registered_vaults`) is never
 * claimed: it stays open, unsent, for an operator to see.
 * @returns the claimed rows, by creation time then id.
 */
export async function claimDueCommands(db: DbOrTx, relayerId: string, limit: number, leaseMs: number): Promise<CommandRow[]> {
  const open = sql.join(
    OPEN_COMMAND_STATES.map((s) => sql`${s}`),
    sql`, `,
  )
  const claimed = await db
    .update(commands)
    .set({ claimedBy: relayerId, claimedUntil: sql`now() + (${leaseMs} * interval '1 millisecond')` })
    .where(
      inArray(
        commands.id,
        sql`(select ${commands.id} from ${commands}
          where ${commands.state} in (${open})
            and ${commands.nextAttemptAt} <= now()
            and (${commands.claimedUntil} is null or ${commands.claimedUntil} < now())
            and ${commands.destChainId} not in (select ${registeredVaults.chainId} from ${registeredVaults} where ${registeredVaults.status} = 'retired')
          order by ${commands.createdAt}, ${commands.id}
          limit ${limit}
          for update skip locked)`,
      ),
    )
    .returning()
  return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
}

/**
 * Releases every claim `relayerId` holds on an open command, as if its lease had expired: the command becomes due
 * at its `next_attempt_at` and resumes from its recorded state (publish tx, sequence, VAA), so nothing already done
 * is repeated. For a stable node id at start, whose claims can only be leftovers of the same node's previous run;
 * never call it with an id another live process may use.
 * @returns how many claims were released.
 */
export async function releaseClaims(db: DbOrTx, relayerId: string): Promise<number> {
  const released = await db
    .update(commands)
    .set({ claimedBy: null, claimedUntil: null })
    .where(and(eq(commands.claimedBy, relayerId), inArray(commands.state, [...OPEN_COMMAND_STATES])))
    .returning({ id: commands.id })
  return released.length
}

/**
 * Releases the claims on `ids` and makes them due again after `delayMs` ms, in one statement, without a transition
 * or an attempt counted (a step that cannot run yet, e.g. a hub block not yet final).
 */
export async function rescheduleCommands(db: DbOrTx, ids: readonly string[], delayMs: number): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(commands)
    .set({ nextAttemptAt: new Date(Date.now() + delayMs), claimedBy: null, claimedUntil: null })
    .where(
      inArray(
        commands.id,
        ids.map((id) => normalizeHex(id, 'commands.id')),
      ),
    )
}

/**
 * Counts an attempt of each of `ids` before a step sends its transaction. A process killed between sending and
 * recording the outcome leaves the command as it was, and the next attempt would send it again (a second publish of
 * the same command on the hub); counted beforehand, the next attempt sees `attempts > 0` and first looks on-chain for
 * what the cut-short one did. The step's recorded outcome then sets `attempts` as usual: 0 on success, the in-memory
 * count plus one on failure (the same number). Moves no state.
 */
export async function countCommandAttempts(db: DbOrTx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(commands)
    .set({ attempts: sql`${commands.attempts} + 1` })
    .where(inArray(commands.id, ids.map((id) => normalizeHex(id, 'commands.id'))))
}
