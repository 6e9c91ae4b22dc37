import { describe, expect, it } from 'vitest'
import { backoffDelayMs } from './backoff.js'

describe('backoffDelayMs', () => {
  it('doubles per attempt and never exceeds the cap', () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, 100, 1000, mid))).toEqual([100, 200, 400, 800])
    expect(backoffDelayMs(30, 100, 1000, mid)).toBe(1000)
    expect(backoffDelayMs(30, 100, 1000, () => 1)).toBe(1200)
  })
})
