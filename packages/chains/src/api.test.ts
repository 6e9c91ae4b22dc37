import { describe, expect, it } from 'vitest'
import { apiSchema } from './index.js'

describe('api limits', () => {
  it('accepts an empty section, leaving every limit to the API defaults', () => {
    expect(apiSchema.parse({})).toEqual({})
  })

  it('refuses a zero body limit, a negative what-if timeout and a short API key, naming each path', () => {
    const result = apiSchema.safeParse({ bodyLimitBytes: 0, whatIf: { timeoutMs: -1 }, rateLimit: { apiKeys: ['short'] } })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['bodyLimitBytes', 'rateLimit.apiKeys.0', 'whatIf.timeoutMs'])
  })
})
