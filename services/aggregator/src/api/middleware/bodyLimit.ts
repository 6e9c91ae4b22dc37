import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ApiError } from '../errors.js'

/**
 * Refuses a request body over `maxBytes` with `413 body_too_large` naming the limit: by its Content-Length before
 * anything is read, else (chunked) as soon as the bytes read pass the limit. A GET or HEAD that announces no body
 * (neither Content-Length nor Transfer-Encoding, RFC 9112 §6.3) passes without its body being looked for, which
 * keeps the Node adapter's cheap request object for the API's many reads.
 */
export function bodyLimitOf(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `The request body exceeds the limit of ${maxBytes} bytes.`)
    },
  })
  const bodiless = (c: Context) =>
    (c.req.method === 'GET' || c.req.method === 'HEAD') && c.req.header('content-length') === undefined && c.req.header('transfer-encoding') === undefined
  return (c, next) => (bodiless(c) ? next() : limit(c, next))
}
