import { describe, expect, it } from 'vitest'
import { MIN_SURFACE_VOL, surfaceVol, type VolSurface } from './surfaceVol.js'

const surface: VolSurface = {
  underlying: 'ETH',
  expiries: [
    { timeYears: 0.5, atmVol: 0.6 },
    { timeYears: 0.1, atmVol: 0.8 },
  ],
  skew: -0.1,
}

describe('surfaceVol', () => {
  it('returns the quoted ATM vol at a quoted expiry and at-the-money strike', () => {
    expect(surfaceVol(surface, { forward: 2000, strike: 2000, timeYears: 0.1 })).toBe(0.8)
    expect(surfaceVol(surface, { forward: 2000, strike: 2000, timeYears: 0.5 })).toBeCloseTo(0.6, 15)
  })

  it('interpolates linearly in total variance between expiries', () => {
    // w(0.3) = 0.064 + (0.18 − 0.064)·0.5 = 0.122, σ = √(0.122/0.3)
    expect(surfaceVol(surface, { forward: 1, strike: 1, timeYears: 0.3 })).toBeCloseTo(Math.sqrt(0.122 / 0.3), 14)
  })

  it('extrapolates flat in vol before the first and after the last expiry', () => {
    expect(surfaceVol(surface, { forward: 1, strike: 1, timeYears: 0.01 })).toBe(0.8)
    expect(surfaceVol(surface, { forward: 1, strike: 1, timeYears: 0 })).toBe(0.8)
    expect(surfaceVol(surface, { forward: 1, strike: 1, timeYears: 3 })).toBe(0.6)
  })

  it('adds skew times ln(K/F)', () => {
    expect(surfaceVol(surface, { forward: 2000, strike: 1000, timeYears: 0.1 })).toBeCloseTo(0.8 + 0.1 * Math.log(2), 14)
  })

  it('floors the vol at 1e-4 when the skew would push it below', () => {
    expect(surfaceVol({ ...surface, skew: 5 }, { forward: 2000, strike: 100, timeYears: 0.1 })).toBe(MIN_SURFACE_VOL)
  })

  it('throws a RangeError for an empty or malformed surface', () => {
    expect(() => surfaceVol({ ...surface, expiries: [] }, { forward: 1, strike: 1, timeYears: 1 })).toThrow(RangeError)
    expect(() => surfaceVol({ ...surface, expiries: [{ timeYears: 0, atmVol: 0.5 }] }, { forward: 1, strike: 1, timeYears: 1 })).toThrow(/\(0\)/)
    expect(() =>
      surfaceVol({ ...surface, expiries: [{ timeYears: 1, atmVol: 0.5 }, { timeYears: 1, atmVol: 0.6 }] }, { forward: 1, strike: 1, timeYears: 1 }),
    ).toThrow(/twice/)
    expect(() => surfaceVol(surface, { forward: 1, strike: 0, timeYears: 1 })).toThrow(/strike \(0\)/)
  })
})
