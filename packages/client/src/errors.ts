import type { ApiErrorBody } from './types.js'
import { UnimarginError } from '@unimargin/errors'

/** A non-2xx answer from the hub API, with its status, error code and field issues. */
export class UnimarginApiError extends UnimarginError {
  override name = 'UnimarginApiError'
  readonly code: string
  readonly issues: { path: string; message: string }[]
  constructor(
    readonly status: number,
    body: ApiErrorBody | undefined,
    readonly url: string,
  ) {
    super(body?.error.message ?? `Request to ${url} failed with status ${status}.`)
    this.code = body?.error.code ?? `http_${status}`
    this.issues = body?.error.issues ?? []
  }
}
