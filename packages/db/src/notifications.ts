import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import type postgres from 'postgres'
import type { Db, DbOrTx } from './client.js'

/** Channel of account change notifications; the payload is the account's checksummed address. */
export const ACCOUNT_CHANNEL = 'unimargin_account'
/** Channel of price change notifications, one per committed price batch; the payload names the feed (`chainId:feed`). */
export const PRICES_CHANNEL = 'unimargin_prices'

/**
 * Queues `pg_notify(ACCOUNT_CHANNEL, address)` in the caller's transaction: listeners receive it when the transaction
 * commits, never when it (or the savepoint it was issued in) rolls back. Repeats in one transaction are delivered once.
 */
export async function notifyAccountChanged(tx: DbOrTx, address: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${ACCOUNT_CHANNEL}, ${address})`)
}

/** Queues `pg_notify(PRICES_CHANNEL, '<chainId>:<feed>')` in the caller's transaction (delivered on commit only). */
export async function notifyPricesChanged(tx: DbOrTx, chainId: number, feed: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${PRICES_CHANNEL}, ${`${chainId}:${feed}`})`)
}

export type ListenParameters = {
  /** called with each notification's payload, after the notifying transaction committed */
  onMessage: (payload: string) => void
  /**
   * called once listening is established, and again after postgres.js re-established a lost connection (messages
   * sent while it was down are lost: drop whatever they would have invalidated)
   */
  onListen?: () => void
}

/**
 * Listens on a notification channel of the database, over either driver: postgres.js's dedicated listen connection
 * (`sql.listen`, re-listening after a reconnect; closed with the pool) or PGlite's `listen`. Notifications come from
 * any process sharing the PostgreSQL database.
 * @returns a function that stops listening
 * @throws the driver's error when `LISTEN` fails
 * @example const stop = await listen(db, ACCOUNT_CHANNEL, { onMessage: (address) => cache.delete(address) })
 */
export async function listen(db: Db, channel: string, parameters: ListenParameters): Promise<() => Promise<void>> {
  const client = (db as unknown as { $client: PGlite | postgres.Sql }).$client
  const { onMessage, onListen } = parameters
  if (client instanceof PGlite) {
    const unlisten = await client.listen(channel, onMessage)
    onListen?.()
    return () => unlisten()
  }
  const { unlisten } = await client.listen(channel, onMessage, onListen)
  return unlisten
}

/**
 * Whether every notification of a committed transaction reaches this process's listeners before the committing call
 * returns: true for embedded PGlite (one process owns the database, and it queues its listeners' callbacks while it
 * reads the commit's reply), false for PostgreSQL (other processes write too, and a notification comes on another
 * connection at its own pace). Where true, a reader needs no round trip to know it has seen the notifications of
 * everything committed before it.
 */
export function notifiesBeforeCommitReturns(db: Db): boolean {
  return (db as unknown as { $client: unknown }).$client instanceof PGlite
}
