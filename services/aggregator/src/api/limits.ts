import { maxWhatIfThreads } from '../whatif/index.js'

/** What one client may ask of the API; every field is optional, see {@link resolveApiLimits} for the defaults. */
export type ApiLimitsParameters = {
  /** largest request body, bytes; a larger one is refused with 413 before it is read (default 65536) */
  bodyLimitBytes?: number | undefined
  rateLimit?:
    | {
        /** the window the limits count over, ms (default 60000) */
        windowMs?: number | undefined
        /** requests per window and client to `/v1` routes (default 1200) */
        limit?: number | undefined
        /** what-ifs per window and client, counted on top of `limit` (default 30) */
        whatIfLimit?: number | undefined
        /** the header a client names its API key in (default `x-api-key`) */
        apiKeyHeader?: string | undefined
        /** API keys counted on their own instead of by client IP; another key in the header is a 401 (default none) */
        apiKeys?: string[] | undefined
      }
    | undefined
  whatIf?:
    | {
        /** ms a what-if may take, waiting for a thread included, before it is answered 503 (default 5000) */
        timeoutMs?: number | undefined
        /** worker threads computing what-ifs (default and ceiling: cores − 1, at least 1) */
        maxThreads?: number | undefined
        /** what-ifs that may wait for a thread; one more is answered 503 (default 64) */
        maxQueue?: number | undefined
      }
    | undefined
}

/** {@link ApiLimitsParameters} with every default applied. */
export type ApiLimits = {
  bodyLimitBytes: number
  rateLimit: { windowMs: number; limit: number; whatIfLimit: number; apiKeyHeader: string; apiKeys: string[] }
  whatIf: { timeoutMs: number; maxThreads: number; maxQueue: number }
}

/** The limits with the defaults filled in (the `whatIf.maxThreads` ceiling applied). */
export function resolveApiLimits(parameters: ApiLimitsParameters = {}): ApiLimits {
  const rate = parameters.rateLimit ?? {}
  const whatIf = parameters.whatIf ?? {}
  return {
    bodyLimitBytes: parameters.bodyLimitBytes ?? 64 * 1024,
    rateLimit: {
      windowMs: rate.windowMs ?? 60_000,
      limit: rate.limit ?? 1200,
      whatIfLimit: rate.whatIfLimit ?? 30,
      apiKeyHeader: rate.apiKeyHeader ?? 'x-api-key',
      apiKeys: rate.apiKeys ?? [],
    },
    whatIf: {
      timeoutMs: whatIf.timeoutMs ?? 5_000,
      maxThreads: Math.max(1, Math.min(whatIf.maxThreads ?? Number.POSITIVE_INFINITY, maxWhatIfThreads())),
      maxQueue: whatIf.maxQueue ?? 64,
    },
  }
}
