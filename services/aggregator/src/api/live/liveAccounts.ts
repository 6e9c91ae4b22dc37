import { randomUUID } from 'node:crypto'
import { ACCOUNT_CHANNEL, type Db, listen, PRICES_CHANNEL, sql } from '@unimargin/db'
import type { Logger } from 'pino'
import { getAddress, isAddress } from 'viem'
import { type AccountFeed, createAccountFeed, type Subscriber } from './accountFeed.js'
import { createViewCache, type ServedView, type ViewCache } from './viewCache.js'

export type LiveAccountsParameters<V> = {
  db: Db
  /** computes an account's view (`address` checksummed) */
  load: (address: string) => Promise<V>
  logger: Logger
  /** least ms between two refreshes of one streamed account (default 250) */
  coalesceMs?: number
  /** ms a cached view is served before it is computed again even without a notification (default 5000) */
  viewMaxAgeMs?: number
  /** called once per view computed */
  onLoad?: () => void
  /** ms a cached read waits for the notifications committed before it before computing afresh (default 2000) */
  syncTimeoutMs?: number
}

/**
 * Channel of the API's own read barriers: a nonce notified by a cached read, which arrives after every notification
 * of a transaction committed before it (PostgreSQL queues notifications in commit order).
 */
const SYNC_CHANNEL = 'unimargin_api_sync'

export type LiveAccounts<V> = {
  /**
   * The account's view (`address` checksummed): cached while the change notifications are listened to, dropped on
   * the account's notification or a price notification. A cached view is served only once the notifications of every
   * transaction committed before the call have arrived (one `pg_notify` round trip), so a read follows any write it
   * comes after, on this node or another.
   * @throws the loader's error
   */
  view: (address: string) => Promise<ServedView<V>>
  /**
   * Subscribes to an account's view: `onMessage` gets the snapshot (before this resolves), then an update each time a
   * committed change (the account's, or a price) altered it. Listens to the notifications first.
   * @returns `unsubscribe`
   * @throws the `LISTEN` error or the loader's error
   */
  subscribe: (address: string, subscriber: Subscriber<V>) => Promise<() => void>
  /** Stops listening and ends every subscription. */
  close: () => Promise<void>
}

/**
 * Account views kept current by the database's change notifications (`unimargin_account` with the account's address,
 * `unimargin_prices` once per price batch), which the aggregator of any node sharing the database sends on commit.
 * Listening starts at the first view asked for; until it is established views are computed and not cached.
 * @example const live = createLiveAccounts({ db, logger, load: (a) => getAccountView(db, config, a) })
 */
export function createLiveAccounts<V>(parameters: LiveAccountsParameters<V>): LiveAccounts<V> {
  const { db, logger } = parameters
  const views: ViewCache<V> = createViewCache({ load: parameters.load, maxAgeMs: parameters.viewMaxAgeMs, onLoad: parameters.onLoad })
  const feed: AccountFeed<V> = createAccountFeed({
    views,
    coalesceMs: parameters.coalesceMs,
    onError: (error, address) => logger.warn({ account: address, error: (error as Error).message }, 'Failed to refresh streamed account'),
  })
  let listening: Promise<Array<() => Promise<void>>> | undefined
  let closed = false
  const barriers = new Map<string, () => void>()
  const syncTimeoutMs = parameters.syncTimeoutMs ?? 2_000

  /** One read barrier: whether every notification committed before it started has arrived (false after `syncTimeoutMs`). */
  const barrier = async (): Promise<boolean> => {
    const nonce = randomUUID()
    let timer: NodeJS.Timeout | undefined
    const arrived = new Promise<boolean>((resolve) => {
      barriers.set(nonce, () => resolve(true))
      timer = setTimeout(() => resolve(false), syncTimeoutMs)
    })
    try {
      await db.execute(sql`select pg_notify(${SYNC_CHANNEL}, ${nonce})`)
      return await arrived
    } finally {
      clearTimeout(timer)
      barriers.delete(nonce)
    }
  }

  // concurrent reads share barriers: a read joins the next barrier to start (every one started after it arrived),
  // so under load there is one round trip in flight and one waiting, whatever the number of readers
  let current: Promise<boolean> | undefined
  let next: Promise<boolean> | undefined
  const start = (): Promise<boolean> => {
    const p = barrier()
    current = p
    const clear = () => {
      if (current === p) current = undefined
    }
    p.then(clear, clear)
    return p
  }
  /** Whether every notification committed before the call has arrived (false after `syncTimeoutMs`). */
  const caughtUp = (): Promise<boolean> => {
    if (next) return next
    if (!current) return start()
    const after = () => {
      next = undefined
      return start()
    }
    next = current.then(after, after)
    return next
  }

  const onAccount = (payload: string) => {
    if (!isAddress(payload, { strict: false })) return
    const address = getAddress(payload)
    views.invalidate(address)
    feed.changed(address)
  }
  const onPrices = () => {
    views.clear()
    feed.changedAll()
  }
  // (re)established: notifications sent while not listening are lost, so nothing cached before is trusted
  const onListen = () => {
    views.clear()
    feed.changedAll()
  }

  const startListening = () => {
    listening ??= Promise.all([
      listen(db, ACCOUNT_CHANNEL, { onMessage: onAccount, onListen }),
      listen(db, PRICES_CHANNEL, { onMessage: onPrices, onListen }),
      listen(db, SYNC_CHANNEL, { onMessage: (nonce) => barriers.get(nonce)?.(), onListen }),
    ]).then(
      (stops) => {
        if (!closed) views.storing = true
        return stops
      },
      (error: unknown) => {
        listening = undefined
        logger.warn({ error: (error as Error).message }, 'Failed to listen for account changes')
        throw error
      },
    )
    return listening
  }

  return {
    async view(address) {
      if (!closed) startListening().catch(() => {})
      if (views.storing && !(await caughtUp())) {
        logger.warn({ account: address, timeout_ms: syncTimeoutMs }, 'Timed out waiting for account change notifications')
        views.clear()
      }
      return views.get(address)
    },
    async subscribe(address, subscriber) {
      await startListening()
      return feed.subscribe(address, subscriber)
    },
    async close() {
      closed = true
      views.storing = false
      views.clear()
      feed.close()
      const stops = await listening?.catch(() => [])
      await Promise.all((stops ?? []).map((stop) => stop().catch(() => {})))
    },
  }
}
