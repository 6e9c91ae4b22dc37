import { bodyLimit } from 'hono/body-limit'
import { ApiError } from '../errors.js'

/**
 * Refuses a request body over `maxBytes` with `413 body_too_large` naming the limit: by its Content-Length before
 * anything is read, else (chunked) as soon as the bytes read pass the limit. Requests without a body pass.
 */
export function bodyLimitOf(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `The request body exceeds the limit of ${maxBytes} bytes.`)
    },
  })
}
