import { createHash } from 'node:crypto'

/** An account view as served: the object, its JSON text (the response body) and its strong ETag. */
export type ServedView<V = unknown> = { view: V; body: string; etag: string }

export type ViewCacheParameters<V> = {
  /** computes an account's view (`address` checksummed) */
  load: (address: string) => Promise<V>
  /** ms a stored view is served before it is computed again, for what moves without a notification (default 5000) */
  maxAgeMs?: number
  /** views kept; the oldest is dropped beyond it (default 10000) */
  maxEntries?: number
  /** called once per view computed (a cache miss or a refresh) */
  onLoad?: () => void
  /** the clock, ms (default `Date.now`) */
  nowMs?: () => number
}

export type ViewCache<V> = {
  /**
   * The account's view: the stored one while valid, else a fresh one. Callers asking for the same account while it is
   * computed share that one computation.
   * @throws the loader's error (nothing is stored then)
   */
  get: (address: string) => Promise<ServedView<V>>
  /** Drops the account's view: the next `get` computes it again. */
  invalidate: (address: string) => void
  /** Drops every view. */
  clear: () => void
  /** Whether views are stored at all: off while change notifications may be missed (not listening). */
  storing: boolean
}

type Entry<V> = { promise: Promise<ServedView<V>>; loadedAtMs: number }

/** `"<sha1 of the body, base64url>"`: a strong ETag, equal exactly when the body is. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

/**
 * A cache of account views, invalidated by the caller on each change notification and expiring after `maxAgeMs`
 * (the view also shows valuation blocks, price ages and route latencies, which move without an account notification).
 * A computation that started before an invalidation is not stored past it.
 * @example const cache = createViewCache({ load: (address) => getAccountView(db, config, address) })
 */
export function createViewCache<V>(parameters: ViewCacheParameters<V>): ViewCache<V> {
  const { load, maxAgeMs = 5_000, maxEntries = 10_000, onLoad, nowMs = Date.now } = parameters
  const entries = new Map<string, Entry<V>>()

  const compute = async (address: string): Promise<ServedView<V>> => {
    onLoad?.()
    const view = await load(address)
    const body = JSON.stringify(view)
    return { view, body, etag: etagOf(body) }
  }

  const cache: ViewCache<V> = {
    storing: false,
    get(address) {
      const now = nowMs()
      const held = entries.get(address)
      if (held && now - held.loadedAtMs <= maxAgeMs) return held.promise
      const entry: Entry<V> = { promise: compute(address), loadedAtMs: now }
      if (!cache.storing) return entry.promise
      entries.delete(address)
      entries.set(address, entry)
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
      // a failed computation is not served to later callers
      entry.promise.catch(() => {
        if (entries.get(address) === entry) entries.delete(address)
      })
      return entry.promise
    },
    invalidate: (address) => void entries.delete(address),
    clear: () => entries.clear(),
  }
  return cache
}
