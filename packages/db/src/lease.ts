import { sql } from 'drizzle-orm'
import type { Db, DbOrTx } from './client.js'
import { leases } from './schema.js'

/**
 * Leases: work only one node at a time may do among the nodes sharing one database (a chain's watcher, a relayer
 * key's sends). A lease is a row of `leases` whose holder renews its expiry by heartbeat; any other node takes it
 * once it has expired, by the database's clock (no clock between nodes is compared).
 *
 * Why a row with an expiry rather than a PostgreSQL advisory lock: a session lock is released when the server
 * notices its connection is gone, which after a SIGKILL is at once but across a network partition only after the
 * server's TCP keepalive gives up (minutes to hours by default), while the partitioned holder keeps believing it
 * holds the lock. An expiring row bounds both cases by the lease's length: the holder stops acting
 * ({@link LeaseKeeper.held} turns false) before the row expires, by its own monotonic clock started before the
 * renewal it last sent, and writes that must come from the holder take the row's lock in their own transaction
 * ({@link assertLeaseHeld}), so a node that lost its lease cannot commit them even if it has not noticed yet.
 */

/** Thrown by {@link assertLeaseHeld} when `holder` no longer holds lease `name`. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
  constructor(
    readonly lease: string,
    readonly holder: string,
  ) {
    super(`Lease ${lease} is no longer held by ${holder}.`)
  }
}

/** What {@link acquireLease} returns when `holder` holds the lease after the call. */
export type AcquiredLease = {
  /** the database time until which it is held */
  expiresAt: Date
  /** the node that held it before this call took it over from it (expired); undefined on a renewal or a free lease */
  takenFrom: string | undefined
}

/**
 * Takes lease `name` for `holder` for `ttlMs`, or renews it: succeeds when the lease is free, expired, or already
 * held by `holder` (a node restarted under its stable id takes its own lease back at once). One transaction; two
 * nodes racing for one lease get it for one of them only (the row lock decides, and the loser sees the winner's
 * fresh expiry).
 * @returns the lease as held, or undefined when another node holds it.
 */
export async function acquireLease(db: DbOrTx, name: string, holder: string, ttlMs: number): Promise<AcquiredLease | undefined> {
  return db.transaction(async (tx) => {
    const [before] = rowsOf<{ holder: string }>(await tx.execute(sql`select holder from ${leases} where name = ${name} for update`))
    const result = await tx.execute(sql`
      insert into ${leases} (name, holder, expires_at, acquired_at, renewed_at)
      values (${name}, ${holder}, now() + (${ttlMs} * interval '1 millisecond'), now(), now())
      on conflict (name) do update set
        holder = excluded.holder,
        expires_at = excluded.expires_at,
        renewed_at = excluded.renewed_at,
        acquired_at = case when ${leases.holder} = excluded.holder then ${leases.acquiredAt} else excluded.acquired_at end
      where ${leases.holder} = excluded.holder or ${leases.expiresAt} < now()
      returning expires_at`)
    const [row] = rowsOf<{ expires_at: string | Date }>(result)
    if (!row) return undefined
    return { expiresAt: new Date(row.expires_at), takenFrom: before && before.holder !== holder ? before.holder : undefined }
  })
}

/** Gives lease `name` up when `holder` holds it, so another node takes it at its next attempt instead of at expiry. */
export async function releaseLease(db: DbOrTx, name: string, holder: string): Promise<void> {
  await db.execute(sql`delete from ${leases} where name = ${name} and holder = ${holder}`)
}

/**
 * Inside a transaction: checks that `holder` still holds lease `name` by the database's clock now, and keeps the
 * lease row locked until the transaction ends, so no node can take the lease over before the transaction's writes
 * are committed. Writes that only the holder may make go in the same transaction after it.
 * @throws {LeaseLostError} when the lease expired or another node holds it (the transaction should roll back).
 */
export async function assertLeaseHeld(tx: DbOrTx, name: string, holder: string): Promise<void> {
  const result = await tx.execute(
    sql`select 1 as held from ${leases} where name = ${name} and holder = ${holder} and expires_at > clock_timestamp() for update`,
  )
  if (rowsOf(result).length === 0) throw new LeaseLostError(name, holder)
}

/** A lease as stored, for status output. */
export type LeaseRow = typeof leases.$inferSelect & { /** whether it had expired at the database's time of the read */ expired: boolean }

/** Every lease, by name, with whether it has expired (by the database's clock). */
export async function listLeases(db: DbOrTx): Promise<LeaseRow[]> {
  const result = await db.execute(
    sql`select name, holder, expires_at, acquired_at, renewed_at, expires_at <= now() as expired from ${leases} order by name`,
  )
  return rowsOf<{ name: string; holder: string; expires_at: string | Date; acquired_at: string | Date; renewed_at: string | Date; expired: boolean }>(result).map((r) => ({
    name: r.name,
    holder: r.holder,
    expiresAt: new Date(r.expires_at),
    acquiredAt: new Date(r.acquired_at),
    renewedAt: new Date(r.renewed_at),
    expired: r.expired,
  }))
}

/** Default lease length, ms: a dead holder's work is taken over within this plus one attempt interval (≤ 8 s). */
export const DEFAULT_LEASE_TTL_MS = 6_000

export type LeaseKeeperParameters = {
  db: Db
  /** the lease, e.g. `watcher:1` */
  name: string
  /** this node's id (unique among the nodes sharing the database) */
  holder: string
  /** lease length, ms (default {@link DEFAULT_LEASE_TTL_MS}) */
  ttlMs?: number
  /** ms between renewals while held and between attempts while another node holds it (default ttlMs / 4) */
  intervalMs?: number
  /**
   * ms before the database's expiry at which this node stops counting the lease as held (default ttlMs / 4): the
   * margin for a renewal's round trip and for work started just before
   */
  guardMs?: number
  /** called once each time this node takes the lease (with the node it took it over from, if it expired there) */
  onAcquired?: (event: { takenFrom: string | undefined }) => void | Promise<void>
  /** called once each time this node stops holding it (renewal refused, or not renewed in time) */
  onLost?: (event: { reason: string }) => void
  /** called with every failed renewal or attempt (a database error); the next interval tries again */
  onError?: (error: unknown) => void
}

/** Keeps one lease for this node: takes it when it can and renews it by heartbeat (see {@link acquireLease}). */
export type LeaseKeeper = {
  name: string
  holder: string
  /**
   * Whether this node holds the lease now: a renewal sent less than `ttlMs − guardMs` ago (monotonic clock, counted
   * from before the request left) succeeded, and `onAcquired` has returned. Turns false before any other node can
   * take the lease.
   */
  held(): boolean
  /** Resolves once the lease is held (never while stopped or held by another node). */
  whenHeld(): Promise<void>
  /** Makes the first attempt now and keeps renewing / attempting every `intervalMs`. */
  start(): void
  /** Stops renewing and gives the lease up when held (another node takes it at its next attempt). */
  stop(): Promise<void>
}

/** Creates a {@link LeaseKeeper}; nothing happens until `start()`. */
export function createLeaseKeeper(parameters: LeaseKeeperParameters): LeaseKeeper {
  const { db, name, holder } = parameters
  const ttlMs = parameters.ttlMs ?? DEFAULT_LEASE_TTL_MS
  const intervalMs = parameters.intervalMs ?? Math.max(50, Math.floor(ttlMs / 4))
  const guardMs = parameters.guardMs ?? Math.floor(ttlMs / 4)
  if (!(intervalMs < ttlMs - guardMs)) throw new RangeError(`lease ${name}: intervalMs (${intervalMs}) must be below ttlMs − guardMs (${ttlMs - guardMs})`)
  /** performance.now() until which the lease counts as held; 0 when not held */
  let validUntil = 0
  /** whether onAcquired ran for the current tenure */
  let tenure = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = true
  let waiters: (() => void)[] = []

  const held = () => tenure && performance.now() < validUntil

  function lose(reason: string) {
    if (!tenure) return
    tenure = false
    validUntil = 0
    parameters.onLost?.({ reason })
  }

  async function attempt() {
    const sentAt = performance.now()
    try {
      const got = await acquireLease(db, name, holder, ttlMs)
      if (stopped) return
      if (!got) {
        lose('another node holds it')
        return
      }
      if (tenure && performance.now() >= validUntil) lose('not renewed in time')
      validUntil = sentAt + ttlMs - guardMs
      if (!tenure) {
        await parameters.onAcquired?.({ takenFrom: got.takenFrom })
        if (stopped) return
        // the callback may have taken a while: count the lease from the renewal, as before
        tenure = performance.now() < validUntil
        if (tenure) {
          for (const w of waiters) w()
          waiters = []
        }
      }
    } catch (error) {
      parameters.onError?.(error)
      if (tenure && performance.now() >= validUntil) lose('not renewed in time')
    }
  }

  function schedule() {
    if (stopped) return
    timer = setTimeout(() => {
      running = attempt().finally(() => {
        running = undefined
        schedule()
      })
    }, intervalMs)
    timer.unref?.()
  }

  return {
    name,
    holder,
    held,
    whenHeld: () => (held() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    start() {
      if (!stopped) return
      stopped = false
      running = attempt().finally(() => {
        running = undefined
        schedule()
      })
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      const wasHeld = tenure
      tenure = false
      validUntil = 0
      if (wasHeld) await releaseLease(db, name, holder)
    },
  }
}

/** Rows of a raw `db.execute` result on either driver (postgres.js returns an array, PGlite `{ rows }`). */
function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[]
}
