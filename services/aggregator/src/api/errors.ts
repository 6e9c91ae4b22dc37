import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from 'pino'
import { UnimarginError } from '@unimargin/errors'

export type ApiIssue = { path: string; message: string }
/** The body of every error response; `requestId` is the request's `X-Request-Id` (absent outside the API's middleware). */
export type ApiErrorBody = { error: { code: string; message: string; issues?: ApiIssue[]; requestId?: string } }

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

/** The error body of `code` and `message`, with the request's id when the request-id middleware ran. */
export function errorBody(c: Context, code: string, message: string, issues?: ApiIssue[]): ApiErrorBody {
  const requestId = c.get('requestId' as never) as string | undefined
  return { error: { code, message, ...(issues ? { issues } : {}), ...(requestId ? { requestId } : {}) } }
}

/** The one error handler: typed errors keep their status, anything else is a logged 500. */
export function errorResponse(error: Error, c: Context, logger?: Logger) {
  if (error instanceof ApiError) return c.json(errorBody(c, error.code, error.message, error.issues), error.status, error.headers)
  if (error instanceof HTTPException) {
    const code = error.status === 400 ? 'invalid_request' : `http_${error.status}`
    return c.json(errorBody(c, code, error.message || 'Request failed.'), error.status)
  }
  logger?.error({ error: error.message, stack: error.stack, path: c.req.path, request_id: c.get('requestId' as never) }, 'Failed request')
  return c.json(errorBody(c, 'internal', 'Internal error.'), 500)
}
