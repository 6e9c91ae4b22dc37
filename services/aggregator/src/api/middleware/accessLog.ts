import type { Context, MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'

/**
 * One pino line per request once it is answered (`Served request`, at info; 5xx at warn): `request_id` (the
 * `X-Request-Id` the answer carries), `method`, `path`, `status`, `duration_ms` and `client` (its IP, see
 * `clientAddressOf`). Runs after the request-id middleware.
 */
export function accessLogOf(logger: Logger, clientOf: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const line = {
      request_id: c.get('requestId' as never) as string | undefined,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      client: clientOf(c),
    }
    if (c.res.status >= 500) logger.warn(line, 'Served request')
    else logger.info(line, 'Served request')
  }
}
