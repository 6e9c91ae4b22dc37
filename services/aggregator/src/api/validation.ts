import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { z } from 'zod'
import { ApiError, toIssues } from './errors.js'

/**
 * `zValidator` whose failures become `400 { error: { code: 'invalid_request', message, issues: [{ path, message }] } }`,
 * the message naming every bad field.
 */
export function validate<T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = toIssues(result.error.issues)
      throw new ApiError(400, 'invalid_request', `Invalid ${target}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
    }
  })
}
