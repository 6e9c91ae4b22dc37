import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors.js'

/**
 * Lets a request through only when `header` names one of `apiKeys` (operators' routes).
 * @throws {ApiError} 401 `api_key_required` without the header (or when no key is configured), 401
 *   `invalid_api_key` with a key that is not configured.
 */
export function requireApiKey(header: string, apiKeys: readonly string[]): MiddlewareHandler {
  const keys = new Set(apiKeys)
  return async (c, next) => {
    const key = c.req.header(header)
    if (key === undefined || keys.size === 0)
      throw new ApiError(
        401,
        'api_key_required',
        keys.size === 0
          ? `This route is for operators: configure api.rateLimit.apiKeys and send one in the ${header} header.`
          : `This route is for operators: send a configured API key in the ${header} header.`,
      )
    if (!keys.has(key)) throw new ApiError(401, 'invalid_api_key', `The ${header} header names no configured API key.`)
    await next()
  }
}
