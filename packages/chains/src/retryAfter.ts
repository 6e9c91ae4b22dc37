/** The longest a server's `Retry-After` may hold a JSON-RPC request before its retry, seconds. */
export const MAX_RETRY_AFTER_SECONDS = 10

/**
 * A `fetch` for viem's http transport (`fetchFn`) that caps a server's `Retry-After` header (delay-seconds or an
 * HTTP date) at `maxSeconds`. viem waits whatever the server asks before it retries a 429 or 503, so one
 * `Retry-After: 3600` would hold the request, and the watcher or relayer loop awaiting it, for an hour; capped, the
 * transport's retries run out within seconds and the caller's own backoff (capped at 30 s) takes over.
 */
export function fetchWithCappedRetryAfter(maxSeconds: number = MAX_RETRY_AFTER_SECONDS): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    const value = response.headers.get('retry-after')
    if (value === null) return response
    const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000
    if (!(seconds > maxSeconds)) return response
    const headers = new Headers(response.headers)
    headers.set('retry-after', String(maxSeconds))
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
