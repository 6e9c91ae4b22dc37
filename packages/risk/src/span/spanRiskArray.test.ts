import { describe, expect, it } from 'vitest'
import { black76 } from '../pricing/black76.js'
import { spanScenarios } from './scenarios.js'
import { spanRequirement } from './spanRequirement.js'
import { spanRiskArray } from './spanRiskArray.js'

describe('spanScenarios', () => {
  it('lists the 16 CME scenarios with the extreme moves at 35%', () => {
    const s = spanScenarios()
    expect(s).toHaveLength(16)
    expect(s.slice(0, 4).map((x) => [x.priceScanFraction, x.volScanDirection])).toEqual([
      [0, 1],
      [0, -1],
      [1 / 3, 1],
      [1 / 3, -1],
    ])
    expect(s[12]).toEqual({ number: 13, priceScanFraction: -1, volScanDirection: 1, weight: 1 })
    expect(s[14]).toEqual({ number: 15, priceScanFraction: 2, volScanDirection: 0, weight: 0.35 })
    expect(spanScenarios(3)[15]).toEqual({ number: 16, priceScanFraction: -3, volScanDirection: 0, weight: 0.35 })
  })
})

describe('spanRiskArray', () => {
  it("rebuilds McMillan's long-future array: a 10,000 scan range and 35% of twice the range at the extremes", () => {
    const array = spanRiskArray({ revalue: (dp) => 500 * dp, priceScanRange: 20, volScanRange: 0.05 })
    expect(array[2]).toBeCloseTo(-10_000 / 3, 9)
    expect(array[10]).toBe(-10_000)
    expect(array[12]).toBe(10_000)
    expect(array[14]).toBe(-7000)
    expect(array[15]).toBe(7000)
  })

  it('gives a long call its worst loss with the futures down a full range and vol down, less than the premium', () => {
    const F = 408
    const option = (dF: number, dVol: number) =>
      black76({ forward: F + dF, strike: 410, timeYears: 0.25, vol: 0.2 + dVol, rate: 0, right: 'call' }).price
    const premium = option(0, 0)
    const array = spanRiskArray({ revalue: (dF, dVol) => 500 * (option(dF, dVol) - premium), priceScanRange: 20, volScanRange: 0.04 })
    const r = spanRequirement({ riskArrays: [array], sign: 'loss-positive' })
    expect(r.worstScenario).toBe(14)
    expect(r.requirement).toBeLessThan(500 * premium)
  })

  it('throws a RangeError for a non-positive price scan range or a non-finite revaluation', () => {
    expect(() => spanRiskArray({ revalue: () => 0, priceScanRange: 0, volScanRange: 0 })).toThrow(/\(0\)/)
    expect(() => spanRiskArray({ revalue: () => Number.NaN, priceScanRange: 1, volScanRange: 0 })).toThrow(/scenario 1 \(NaN\)/)
  })
})

describe('spanRiskArray with asymmetric vol scan ranges', () => {
  it('moves vol up by the up range in odd scenarios, down by the down range in even ones, and not at all in 15-16', () => {
    const moves: number[] = []
    const revalue = (_: number, dv: number) => {
      moves.push(dv)
      return 0
    }
    spanRiskArray({ revalue, priceScanRange: 1, volScanRange: 0.5, volScanRangeDown: 0.25 })
    expect(moves.slice(0, 4)).toEqual([0.5, -0.25, 0.5, -0.25])
    expect(moves.slice(14)).toEqual([0, 0])
  })
})
