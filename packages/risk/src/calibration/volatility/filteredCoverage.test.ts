import { describe, expect, it } from 'vitest'
import { VolatilityInputError } from './errors.js'
import { filteredCoverage, MIN_FILTERED_SAMPLE } from './filteredCoverage.js'

describe('filteredCoverage', () => {
  it('takes the nearest-rank quantile of standardised moves', () => {
    // 0.0001 .. 1.0000 (10 000 values): the 99.9% quantile is the 9 990th, 0.999
    const moves = Array.from({ length: 10_000 }, (_, i) => (10_000 - i) / 10_000)
    expect(filteredCoverage(moves, 0.999)).toBe(0.999)
    expect(filteredCoverage(moves, 0.5)).toBe(0.5)
    expect(moves[0]).toBe(1)
  })

  it('returns null below the minimum sample', () => {
    expect(filteredCoverage(new Array(MIN_FILTERED_SAMPLE - 1).fill(1), 0.999)).toBeNull()
  })

  it('refuses a level outside (0, 1) and a negative move', () => {
    expect(() => filteredCoverage([1], 1)).toThrow(VolatilityInputError)
    expect(() => filteredCoverage(new Array(MIN_FILTERED_SAMPLE).fill(-1), 0.9)).toThrow(VolatilityInputError)
  })
})
