import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { ApiError } from '../errors.js'

export type CorsParameters = {
  /** origins allowed (`https://app.example.org`, scheme and host as the browser sends them); `*` allows any */
  origins: readonly string[]
  /** the API key header, which browsers must be allowed to send */
  apiKeyHeader: string
}

/**
 * CORS for browser apps on an allow-list (hono's `cors`): an allowed origin gets `Access-Control-Allow-Origin` (and
 * the request id, `Retry-After` and rate-limit headers exposed); another origin gets no CORS header, so the browser
 * withholds the answer, and its preflight is refused with `403 cors_origin_refused`. Requests without `Origin`
 * (servers, curl) get only `Vary: Origin`.
 */
export function corsOf(parameters: CorsParameters): MiddlewareHandler {
  const any = parameters.origins.includes('*')
  const allowed = new Set(parameters.origins)
  const allows = (origin: string) => any || allowed.has(origin)
  const handler = cors({
    origin: (origin) => (origin && allows(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['content-type', parameters.apiKeyHeader, 'x-request-id'],
    exposeHeaders: ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy'],
    maxAge: 600,
  })
  return async (c, next) => {
    const origin = c.req.header('origin')
    if (c.req.method === 'OPTIONS' && origin !== undefined && c.req.header('access-control-request-method') !== undefined && !allows(origin))
      throw new ApiError(403, 'cors_origin_refused', `The origin ${origin} may not call this API (allowed: ${parameters.origins.length === 0 ? 'none' : parameters.origins.join(', ')}; api.corsOrigins, --cors-origin).`)
    if (origin !== undefined) return handler(c, next)
    // no Origin, no CORS: only what a shared cache needs to know (the answer to a browser differs), set before the
    // answer exists, which spares rebuilding it
    c.header('Vary', 'Origin')
    return next()
  }
}
