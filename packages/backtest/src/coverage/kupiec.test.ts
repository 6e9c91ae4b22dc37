import { describe, expect, it } from 'vitest'
import { kupiecPof } from './kupiec.js'

/** the exceedance counts Kupiec's test does not reject at the 95% level */
const region = (n: number, p: number) => {
  const kept: number[] = []
  for (let x = 0; x <= n / 5; x++) if (kupiecPof(n, x, p).pValue > 0.05) kept.push(x)
  return [kept[0], kept[kept.length - 1]]
}

describe('kupiecPof', () => {
  it("reproduces Jorion's non-rejection regions (Value at Risk, 3rd ed., ch. 6) at the 95% test level", () => {
    // p = 1%: T = 510 → 1 < N < 11, T = 1000 → 4 < N < 17; p = 5%: T = 255 → 6 < N < 21, T = 510 → 16 < N < 36,
    // T = 1000 → 37 < N < 65
    expect(region(510, 0.01)).toEqual([2, 10])
    expect(region(1000, 0.01)).toEqual([5, 16])
    expect(region(255, 0.05)).toEqual([7, 20])
    expect(region(510, 0.05)).toEqual([17, 35])
    expect(region(1000, 0.05)).toEqual([38, 64])
    expect(region(255, 0.01)[1]).toBe(6)
  })

  it('computes the statistic and the χ²(1) p-value of a hand-worked case', () => {
    // n = 1000, x = 17, p = 1%: −2[983 ln 0.99 + 17 ln 0.01] + 2[983 ln 0.983 + 17 ln 0.017] = 4.0910; p = erfc(√(LR/2))
    const t = kupiecPof(1000, 17, 0.01)
    expect(t.lr).toBeCloseTo(4.090972554545601, 10)
    expect(t.pValue).toBeCloseTo(0.04311282800651028, 10)
  })

  it('rejects no exceedance at all in a long sample, and accepts the expected count', () => {
    // x = 0: LR = −2n·ln(1 − p) = 2 × 5000 × 0.0010005 = 10.005
    expect(kupiecPof(5000, 0, 0.001).lr).toBeCloseTo(-2 * 5000 * Math.log(0.999), 10)
    expect(kupiecPof(5000, 0, 0.001).pValue).toBeLessThan(0.01)
    expect(kupiecPof(5000, 5, 0.001).lr).toBeCloseTo(0, 10)
    expect(kupiecPof(5000, 5, 0.001).pValue).toBeCloseTo(1, 10)
  })

  it('refuses counts out of range', () => {
    expect(() => kupiecPof(10, 11, 0.01)).toThrow(RangeError)
    expect(() => kupiecPof(10, 1, 0)).toThrow(RangeError)
  })
})
