import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Env } from 'hono'
import { ApiError, toIssues } from './errors.js'

/** The body of every error response, as the OpenAPI document describes it. */
export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string().openapi({ example: 'address' }), message: z.string() })).optional(),
      requestId: z.string().optional().openapi({ description: 'the `X-Request-Id` of the request, to quote in a report' }),
    }),
  })
  .openapi('ApiError')

const errorDescriptions = {
  400: 'Malformed request: `issues` names every bad field',
  401: 'An API key that is missing, unknown or required',
  403: 'Refused: a CORS preflight from an origin not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body over the limit',
  422: 'Refused by the hub',
  429: 'Rate limited: `Retry-After` says when to retry',
  503: 'Not available now: `Retry-After` says when to retry',
} as const

/** The error responses of a route, all `{ error: { code, message, issues?, requestId? } }`. */
export function errorResponses(...statuses: (keyof typeof errorDescriptions)[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: errorDescriptions[s], content: { 'application/json': { schema: ApiErrorSchema } } }]),
  ) as Record<keyof typeof errorDescriptions, { description: string; content: { 'application/json': { schema: typeof ApiErrorSchema } } }>
}

/** A JSON response of `schema` for `createRoute`'s `responses`. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/**
 * An `OpenAPIHono` whose request validation failures are `400 { error: { code: 'invalid_request', message, issues } }`,
 * the message naming every bad field (`Invalid param: address: must be a 20-byte 0x address`).
 */
export function openApiRouter<E extends Env = Env>() {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (result.success) return
      const issues = toIssues(result.error.issues)
      throw new ApiError(400, 'invalid_request', `Invalid ${result.target}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
    },
  })
}
