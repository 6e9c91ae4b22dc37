import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from 'pino'
import { UnimarginError } from '@unimargin/errors'

export type ApiIssue = { path: string; message: string }
/** The body of every error response. */
export type ApiErrorBody = { error: { code: string; message: string; issues?: ApiIssue[] } }

/** An error that becomes a JSON response with its status and code (and `headers`, such as `Retry-After`). */
export class ApiError extends UnimarginError {
  override name = 'ApiError'
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ApiIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

/** Turns zod issues into `{ path, message }` pairs with dotted paths (`report.size`). */
export function toIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ApiIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }))
}

/** The one error handler: typed errors keep their status, anything else is a logged 500. */
export function errorResponse(error: Error, c: Context, logger?: Logger) {
  if (error instanceof ApiError) {
    const body: ApiErrorBody = { error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } }
    return c.json(body, error.status, error.headers)
  }
  if (error instanceof HTTPException) {
    const code = error.status === 400 ? 'invalid_request' : `http_${error.status}`
    return c.json({ error: { code, message: error.message || 'Request failed.' } } satisfies ApiErrorBody, error.status)
  }
  logger?.error({ error: error.message, stack: error.stack, path: c.req.path }, 'Failed request')
  return c.json({ error: { code: 'internal', message: 'Internal error.' } } satisfies ApiErrorBody, 500)
}
