import { UnimarginError } from '@unimargin/errors'
import type { ApiErrorBody } from './types.js'

/** Statuses after which the same request may succeed later. */
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504])

/**
 * A non-2xx answer from the hub API: its status, error `code` (`invalid_request`, `not_found`, `stale_sequence`…),
 * field `issues`, the `requestId` the hub logged it under, and `retryAfterSeconds` when the hub sent `Retry-After`.
 * `retryable` for 408, 429, 502, 503 and 504.
 */
export class UnimarginApiError extends UnimarginError {
  override name = 'UnimarginApiError'
  override readonly retryable: boolean
  readonly code: string
  readonly issues: { path: string; message: string }[]
  /** the request's `X-Request-Id` as the hub logged it, when the hub sent one */
  readonly requestId: string | undefined
  /** seconds the hub asked to wait before retrying (`Retry-After`), when it sent one */
  readonly retryAfterSeconds: number | undefined
  constructor(
    readonly status: number,
    body: unknown,
    readonly url: string,
    headers?: Headers,
  ) {
    const error = isErrorBody(body) ? body.error : undefined
    super(error?.message ?? `Request to ${url} failed with status ${status}.`)
    this.code = error?.code ?? `http_${status}`
    this.issues = error?.issues ?? []
    this.requestId = error?.requestId ?? headers?.get('x-request-id') ?? undefined
    const retryAfter = Number(headers?.get('retry-after') ?? Number.NaN)
    this.retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined
    this.retryable = RETRYABLE_STATUSES.has(status)
  }
}

/** The hub could not be reached (connection refused, reset, DNS, an aborted request). Retryable. */
export class UnimarginNetworkError extends UnimarginError {
  override name = 'UnimarginNetworkError'
  override readonly retryable = true
  constructor(
    /** the request, e.g. `GET /v1/accounts/{address} at http://127.0.0.1:8080` */
    readonly request: string,
    cause: unknown,
  ) {
    super(`${request} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as ApiErrorBody).error?.code === 'string'
}
