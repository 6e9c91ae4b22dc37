import { Counter, Histogram } from 'prom-client'

/**
 * JSON-RPC requests of every chain client of this process ({@link instrumentedFetch}), by `chain` (the configured
 * name), `provider` (`primary` for `rpcUrl`, `fallback1`, `fallback2`… for `fallbackRpcUrls` in order; never the URL,
 * which may carry an API key) and `method` (`batch` for a batched request). Registered in no registry: a registry that
 * serves them adds them (`registry.registerMetric`).
 */
export const rpcRequestDuration = new Histogram({
  name: 'unimargin_rpc_request_duration_seconds',
  help: 'JSON-RPC request duration by chain, provider and method',
  labelNames: ['chain', 'provider', 'method'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [],
})

/** Failed JSON-RPC requests by `chain`, `provider`, `method` and `error`: `http_<status>` (429 included), `timeout` or `network`. */
export const rpcRequestErrors = new Counter({
  name: 'unimargin_rpc_errors_total',
  help: 'Failed JSON-RPC requests by chain, provider, method and error',
  labelNames: ['chain', 'provider', 'method', 'error'],
  registers: [],
})

/** The method of a JSON-RPC request body, `batch` for an array, `unknown` when it does not parse. */
function methodOf(body: unknown): string {
  if (typeof body !== 'string') return 'unknown'
  try {
    const parsed = JSON.parse(body) as { method?: unknown } | unknown[]
    if (Array.isArray(parsed)) return 'batch'
    return typeof parsed.method === 'string' ? parsed.method : 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * A `fetch` for viem's `http` transport (`fetchFn`) that times each request into {@link rpcRequestDuration} and
 * counts failures into {@link rpcRequestErrors}, around `inner` (default the global `fetch`). Errors propagate
 * unchanged (viem retries them).
 */
export function instrumentedFetch(labels: { chain: string; provider: string }, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const method = methodOf(init?.body)
    const stop = rpcRequestDuration.startTimer({ ...labels, method })
    try {
      const response = await inner(input, init)
      if (!response.ok) rpcRequestErrors.inc({ ...labels, method, error: `http_${response.status}` })
      return response
    } catch (error) {
      const name = (error as Error)?.name
      rpcRequestErrors.inc({ ...labels, method, error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network' })
      throw error
    } finally {
      stop()
    }
  }
}

/** The `provider` label of the `index`-th URL of {@link rpcUrlsOf}. */
export const providerLabel = (index: number) => (index === 0 ? 'primary' : `fallback${index}`)
