import { createHash } from 'node:crypto'

/**
 * An account view as served: its JSON text (the response body), its strong ETag and when it was computed. The view
 * object itself is not kept: a node holds up to `maxEntries` of these, and the text is what every reader sends.
 * (`V`, the view's type, only types the loader.)
 */
// biome-ignore lint/correctness/noUnusedVariables: V names the view type the body is the JSON text of
export type ServedView<V = unknown> = { body: string; etag: string; computedAtMs: number }

export type ViewCacheParameters<V> = {
  /** computes an account's view (`address` checksummed) */
  load: (address: string) => Promise<V>
  /**
   * ms after which a stored view is computed again in the background, for what moves without a notification of the
   * account (the routes' latency window, what vaults can pay out, valuation blocks); it is served meanwhile
   * (stale-while-revalidate, RFC 5861). Default 5000.
   */
  maxAgeMs?: number
  /**
   * ms past which a stored view is no longer served at all, but computed before answering (default 600000): the
   * bound on how old a served view can be. A read load that refreshes fewer views than it reads within it pays
   * computations on the read path
   */
  maxStaleMs?: number
  /**
   * background recomputations of aged views started per second at most, one at a time (default 50): what keeps a
   * read load over many accounts from turning into a recomputation load. An aged view asked for beyond it is served
   * as it is, so under such a load views can be older than `maxAgeMs`
   */
  refreshPerSecond?: number
  /** views kept; the least recently computed is dropped beyond it (default 100000) */
  maxEntries?: number
  /** called once per view computed (a cache miss, a refresh or a warm-up) */
  onLoad?: () => void
  /** the clock, ms (default `Date.now`) */
  nowMs?: () => number
}

export type ViewCache<V> = {
  /**
   * The account's view: the stored one (recomputed in the background once older than `maxAgeMs`), else a fresh one.
   * Callers asking for the same account while it is computed share that one computation.
   * @throws the loader's error (nothing is stored then)
   */
  get: (address: string) => Promise<ServedView<V>>
  /**
   * Computes and stores the views of `addresses` not stored yet, `concurrency` at a time, in order, until done or the
   * cache is cleared (or stops storing) meanwhile. Errors of single views are passed to `onError` and skipped.
   * @returns how many views it computed
   */
  warm: (addresses: string[], options?: { concurrency?: number; onError?: (error: unknown, address: string) => void }) => Promise<number>
  /** Drops the account's view: the next `get` computes it again. */
  invalidate: (address: string) => void
  /** Drops every view. */
  clear: () => void
  /** views stored */
  readonly size: number
  /** Whether views are stored at all: off while change notifications may be missed (not listening). */
  storing: boolean
}

type Entry<V> = { promise: Promise<ServedView<V>>; loadedAtMs: number }

/** `"<sha1 of the body, base64url>"`: a strong ETag, equal exactly when the body is. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

/**
 * A cache of account views, kept current by the caller's `invalidate` on each change notification of the account (and
 * `clear` on a price change). A view older than `maxAgeMs` is still served while one recomputation runs in the
 * background, so a read never waits on the database for what only moves with time or with other accounts. A
 * computation that started before an invalidation is never stored past it.
 * @example const cache = createViewCache({ load: (address) => getAccountView(db, config, address) })
 */
export function createViewCache<V>(parameters: ViewCacheParameters<V>): ViewCache<V> {
  const { load, maxAgeMs = 5_000, maxStaleMs = 600_000, refreshPerSecond = 50, maxEntries = 100_000, onLoad, nowMs = Date.now } = parameters
  const entries = new Map<string, Entry<V>>()
  let refreshing = false
  let generation = 0
  // token bucket of background recomputations: `refreshPerSecond` a second, as many at once after a quiet second
  let tokens = refreshPerSecond
  let filledAtMs = nowMs()
  const takeToken = (now: number): boolean => {
    tokens = Math.min(refreshPerSecond, tokens + ((now - filledAtMs) / 1000) * refreshPerSecond)
    filledAtMs = now
    if (tokens < 1) return false
    tokens -= 1
    return true
  }

  const compute = async (address: string): Promise<ServedView<V>> => {
    onLoad?.()
    const body = JSON.stringify(await load(address))
    return { body, etag: etagOf(body), computedAtMs: nowMs() }
  }

  /** Stores `entry` as the newest, dropping the least recently stored beyond `maxEntries`. */
  const store = (address: string, entry: Entry<V>) => {
    entries.delete(address)
    entries.set(address, entry)
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
    // a failed computation is not served to later callers
    entry.promise.catch(() => {
      if (entries.get(address) === entry) entries.delete(address)
    })
  }

  /** Recomputes an aged view in the background; the stored one is replaced only if nothing replaced or dropped it meanwhile. */
  const refresh = (address: string, held: Entry<V>, startedAtMs: number) => {
    refreshing = true
    compute(address)
      .then(
        (served) => {
          if (entries.get(address) === held) store(address, { promise: Promise.resolve(served), loadedAtMs: startedAtMs })
        },
        () => {
          // the aged view stays until it passes maxStaleMs; the next read past maxAgeMs tries again
        },
      )
      .finally(() => {
        refreshing = false
      })
  }

  const cache: ViewCache<V> = {
    storing: false,
    get(address) {
      const now = nowMs()
      const held = entries.get(address)
      if (held) {
        const age = now - held.loadedAtMs
        if (age <= maxAgeMs) return held.promise
        if (age <= maxStaleMs) {
          if (!refreshing && cache.storing && takeToken(now)) refresh(address, held, now)
          return held.promise
        }
      }
      const entry: Entry<V> = { promise: compute(address), loadedAtMs: now }
      if (cache.storing) store(address, entry)
      return entry.promise
    },
    async warm(addresses, options = {}) {
      const { concurrency = 4, onError } = options
      const started = generation
      let next = 0
      let computed = 0
      const worker = async () => {
        while (next < addresses.length && cache.storing && generation === started) {
          const address = addresses[next++]!
          if (entries.has(address)) continue
          try {
            await cache.get(address)
            computed++
          } catch (error) {
            onError?.(error, address)
          }
        }
      }
      await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
      return computed
    },
    invalidate: (address) => void entries.delete(address),
    clear: () => {
      generation++
      entries.clear()
    },
    get size() {
      return entries.size
    },
  }
  return cache
}
