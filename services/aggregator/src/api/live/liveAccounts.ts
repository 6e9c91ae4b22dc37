import { randomUUID } from 'node:crypto'
import { ACCOUNT_CHANNEL, type Db, listen, notifiesBeforeCommitReturns, PRICES_CHANNEL, sql } from '@unimargin/db'
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
  /** ms after which a cached view is computed again in the background even without a notification (default 5000) */
  viewMaxAgeMs?: number
  /** views kept (default 100000) */
  maxViews?: number
  /** background recomputations of aged views started per second at most (default 50) */
  viewRefreshPerSecond?: number
  /** ms past which a cached view is computed before it is served (default 600000) */
  viewMaxStaleMs?: number
  /**
   * the accounts whose views to compute ahead of any read, most wanted first (at most `maxViews` are kept): once
   * listening is established and again after each price change. Default: none (views are computed when first read)
   */
  warmAccounts?: () => Promise<string[]>
  /** views computed at once while warming (default 4) */
  warmConcurrency?: number
  /** called on every change notification, before the views it makes stale are dropped (e.g. to drop data shared by all views) */
  onChange?: () => void
  /** called once per view computed */
  onLoad?: () => void
  /** the clock views are computed at, ms; a view's age is measured on it (default `Date.now`) */
  nowMs?: () => number
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
   * transaction committed before the call have arrived (on PostgreSQL one `pg_notify` round trip, shared by concurrent
   * reads; on embedded PGlite none, as they arrive before a commit returns), so a read follows any write it comes
   * after, on this node or another.
   * @throws the loader's error
   */
  view: (address: string) => Promise<ServedView<V>>
  /** Views cached now. */
  readonly cachedViews: number
  /**
   * Subscribes to an account's view: `onMessage` gets the snapshot (before this resolves), then an update each time a
   * committed change (the account's, or a price) altered it. Listens to the notifications first.
   * @returns `unsubscribe`
   * @throws the `LISTEN` error or the loader's error
   */
  subscribe: (address: string, subscriber: Subscriber<V>) => Promise<() => void>
  /**
   * Starts listening to the change notifications now rather than at the first view asked for, and so warming the
   * views of `warmAccounts`. Failures are logged; the next view or subscription tries again.
   */
  start: () => void
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
  const views: ViewCache<V> = createViewCache({
    load: parameters.load,
    maxAgeMs: parameters.viewMaxAgeMs,
    maxEntries: parameters.maxViews,
    refreshPerSecond: parameters.viewRefreshPerSecond,
    maxStaleMs: parameters.viewMaxStaleMs,
    onLoad: parameters.onLoad,
    nowMs: parameters.nowMs,
  })
  const feed: AccountFeed<V> = createAccountFeed({
    views,
    coalesceMs: parameters.coalesceMs,
    onError: (error, address) => logger.warn({ account: address, error: (error as Error).message }, 'Failed to refresh streamed account'),
  })
  let listening: Promise<Array<() => Promise<void>>> | undefined
  let closed = false
  const barriers = new Map<string, () => void>()
  const syncTimeoutMs = parameters.syncTimeoutMs ?? 2_000
  const inProcess = notifiesBeforeCommitReturns(db)

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

  /** Computes the views of `warmAccounts` in the background; a later clear of the cache ends it and starts the next. */
  let warmRun = 0
  const warm = () => {
    const { warmAccounts } = parameters
    if (!warmAccounts || closed || !views.storing) return
    const run = ++warmRun
    warmAccounts()
      .then((addresses) =>
        // views are kept under the checksummed address, as `view` is asked for it
        run === warmRun
          ? views.warm(
              addresses.slice(0, parameters.maxViews ?? 100_000).map((a) => getAddress(a)),
              { concurrency: parameters.warmConcurrency },
            )
          : 0,
      )
      .catch((error: unknown) => logger.warn({ error: (error as Error).message }, 'Failed to warm account views'))
  }

  const onAccount = (payload: string) => {
    if (!isAddress(payload, { strict: false })) return
    const address = getAddress(payload)
    parameters.onChange?.()
    views.invalidate(address)
    feed.changed(address)
  }
  const onPrices = () => {
    parameters.onChange?.()
    views.clear()
    feed.changedAll()
    // the streamed accounts first: their subscribers wait for the update, nobody waits for the warm-up
    void feed.idle().then(warm)
  }
  // (re)established: notifications sent while not listening are lost, so nothing cached before is trusted
  const onListen = () => {
    parameters.onChange?.()
    views.clear()
    feed.changedAll()
    warm()
  }

  const startListening = () => {
    listening ??= Promise.all([
      listen(db, ACCOUNT_CHANNEL, { onMessage: onAccount, onListen }),
      listen(db, PRICES_CHANNEL, { onMessage: onPrices, onListen }),
      listen(db, SYNC_CHANNEL, { onMessage: (nonce) => barriers.get(nonce)?.(), onListen }),
    ]).then(
      (stops) => {
        if (!closed) {
          views.storing = true
          warm()
        }
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
    get cachedViews() {
      return views.size
    },
    start() {
      if (!closed) startListening().catch(() => {})
    },
    async view(address) {
      if (!closed) startListening().catch(() => {})
      // embedded PGlite has delivered a commit's notifications before the commit returned: nothing to wait for
      if (views.storing && !inProcess && !(await caughtUp())) {
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
