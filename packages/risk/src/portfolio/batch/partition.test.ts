import { describe, expect, it } from 'vitest'
import { splitByPositions, splitEvenly } from './partition.js'

describe('account partition', () => {
  it('splits accounts into contiguous ranges of about equal positions plus accounts', () => {
    // 1 000 accounts: the first half with 12 positions, the second with 2
    const start = new Uint32Array(1_001)
    for (let a = 0; a < 1_000; a++) start[a + 1] = start[a]! + (a < 500 ? 12 : 2)
    const bounds = splitByPositions(start, 1_000, 3)
    expect(bounds[0]).toBe(0)
    expect(bounds[3]).toBe(1_000)
    const work = [0, 1, 2].map((k) => start[bounds[k + 1]!]! - start[bounds[k]!]! + bounds[k + 1]! - bounds[k]!)
    for (const w of work) expect(Math.abs(w - 8_000 / 3)).toBeLessThanOrEqual(13)
  })

  it('gives one range of everything for one part, and empty ranges for more parts than accounts', () => {
    expect(splitByPositions(Uint32Array.of(0, 3, 5), 2, 1)).toEqual([0, 2])
    expect(splitEvenly(2, 4)).toEqual([0, 0, 1, 1, 2])
    expect(() => splitEvenly(2, 0)).toThrow(RangeError)
  })
})
