import { ResponseBodyTooLargeError } from 'viem'
import { describe, expect, it } from 'vitest'
import { fittedRange, nextRange, responseTooLarge, TARGET_LOGS_PER_RANGE } from './logRange.js'

describe('log ranges', () => {
  it('doubles the range after a sparse range, up to maxLogRange', () => {
    expect(nextRange(100n, 100n, 0, 1000n)).toBe(200n)
    expect(nextRange(800n, 800n, 10, 1000n)).toBe(1000n)
    expect(nextRange(1000n, 1000n, 0, 1000n)).toBe(1000n)
  })

  it('shrinks the range to the span that holds the target number of logs at the density just read', () => {
    // 100 logs a block: 50 blocks hold the target
    expect(nextRange(100n, 100n, 10_000, 1000n)).toBe(BigInt(TARGET_LOGS_PER_RANGE / 100))
    // a range cut short by the final block still measures density over the blocks it spanned
    expect(nextRange(1000n, 10n, 10_000, 1000n)).toBe(5n)
    // never below one block, however dense
    expect(nextRange(1n, 1n, 1_000_000, 1000n)).toBe(1n)
  })

  it('fits a range to an answer over the size limit, always to fewer blocks than were asked', () => {
    expect(fittedRange(100n, { maxSize: 10 * 1024 * 1024, size: 20 * 1024 * 1024 })).toBe(40n)
    expect(fittedRange(100n, { maxSize: 10 * 1024 * 1024, size: 10 * 1024 * 1024 + 1 })).toBe(79n)
    expect(fittedRange(2n, { maxSize: 1024, size: 1024 * 1024 })).toBe(1n)
    expect(fittedRange(2n, { maxSize: 1024 * 1024, size: 1024 * 1024 + 1 })).toBe(1n)
  })

  it("recognises viem's answer-too-large error, also as the cause of another error, and nothing else", () => {
    const tooLarge = new ResponseBodyTooLargeError({ maxSize: 10, size: 20 })
    expect(responseTooLarge(tooLarge)).toEqual({ maxSize: 10, size: 20 })
    expect(responseTooLarge(new Error('request failed', { cause: tooLarge }))).toEqual({ maxSize: 10, size: 20 })
    expect(responseTooLarge(new Error('fetch failed'))).toBeUndefined()
    expect(responseTooLarge(undefined)).toBeUndefined()
  })
})
