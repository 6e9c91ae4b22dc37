import { describe, expect, it } from 'vitest'
import { isRetryable, UnimarginError, walk } from './base.js'

class NotFinalError extends UnimarginError {
  override name = 'NotFinalError'
  override readonly retryable = true
}
class RefusedError extends UnimarginError {
  override name = 'RefusedError'
}

describe('UnimarginError', () => {
  it('keeps the short message apart from the meta lines, which the full message adds, and keeps the cause', () => {
    const cause = new Error('connection refused')
    const error = new RefusedError('Cannot read the vault.', { cause, metaMessages: ['chain: 31338'] })
    expect(error.shortMessage).toBe('Cannot read the vault.')
    expect(error.metaMessages).toEqual(['chain: 31338'])
    expect(error.message).toBe('Cannot read the vault.\nchain: 31338')
    expect(error.cause).toBe(cause)
    expect(error.name).toBe('RefusedError')
    expect(new RefusedError('x').message).toBe('x')
  })

  it('is not retryable unless its class says so', () => {
    expect(new RefusedError('x').retryable).toBe(false)
    expect(new NotFinalError('x').retryable).toBe(true)
  })

  it('walks the cause chain to the innermost cause or the first match, and stops at a cycle', () => {
    const inner = new Error('inner')
    const middle = new NotFinalError('middle', { cause: inner })
    const outer = new RefusedError('outer', { cause: middle })
    expect(outer.walk()).toBe(inner)
    expect(outer.walk((e) => e instanceof NotFinalError)).toBe(middle)
    expect(outer.walk((e) => e === 'nothing')).toBeUndefined()
    const a = new Error('a') as Error & { cause?: unknown }
    const b = new Error('b', { cause: a })
    a.cause = b
    expect(walk(a)).toBe(a)
  })

  it('tells whether a retry may help from the first project error on the chain, else from the fallback', () => {
    expect(isRetryable(new NotFinalError('x'))).toBe(true)
    expect(isRetryable(new RefusedError('x'))).toBe(false)
    expect(isRetryable(new Error('wrapper', { cause: new RefusedError('x') }))).toBe(false)
    expect(isRetryable(new Error('rpc'))).toBe(true)
    expect(isRetryable(new Error('rpc'), false)).toBe(false)
  })
})
