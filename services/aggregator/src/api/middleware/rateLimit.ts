import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { rateLimiter } from 'hono-rate-limiter'
import { ApiError } from '../errors.js'

/**
 * The client's IP as its socket reports it (a proxy in front counts as one client), or `in-process` for a request
 * made with `app.request`, which has no socket.
 */
export function clientAddressOf(c: Context): string {
  const env = c.env as { incoming?: unknown; server?: { incoming?: unknown } } | undefined
  if (env?.incoming === undefined && env?.server?.incoming === undefined) return 'in-process'
  return getConnInfo(c).remote.address ?? 'unknown'
}

/**
 * The bucket a request counts in: its API key when the header names a known one, else its client IP.
 * @throws {ApiError} 401 `invalid_api_key` when the header names a key that is not configured.
 */
export function clientKeyOf(c: Context, apiKeyHeader: string, apiKeys: ReadonlySet<string>): string {
  const key = c.req.header(apiKeyHeader)
  if (key === undefined) return `ip:${clientAddressOf(c)}`
  if (!apiKeys.has(key)) throw new ApiError(401, 'invalid_api_key', `The ${apiKeyHeader} header names no configured API key.`)
  return `key:${key}`
}

export type RateLimitParameters = {
  /** what is counted, for the message (`requests`, `what-ifs`) */
  name: string
  windowMs: number
  /** requests per window and client */
  limit: number
  apiKeyHeader: string
  apiKeys: readonly string[]
}

/**
 * Counts requests per client (see {@link clientKeyOf}) in a fixed window held in memory (hono-rate-limiter). Every
 * answer carries `RateLimit-Policy` and `RateLimit` (IETF draft 7); past the limit it is `429 rate_limited` with
 * `Retry-After` (seconds until the window resets).
 */
export function rateLimitOf(parameters: RateLimitParameters) {
  const { name, windowMs, limit, apiKeyHeader } = parameters
  const apiKeys = new Set(parameters.apiKeys)
  return rateLimiter({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => clientKeyOf(c, apiKeyHeader, apiKeys),
    handler: () => {
      throw new ApiError(429, 'rate_limited', `Too many ${name}: at most ${limit} per ${Math.ceil(windowMs / 1000)} s for one client.`)
    },
  })
}
