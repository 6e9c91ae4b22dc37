import { describe, expect, it } from 'vitest'
import { DeriveMathError, UNIT, decPow, exp, ilog2, ln, sqrt, sqrtInt, stdNormalCdf } from './fixedPoint.js'

const near = (x: bigint, y: bigint, wei: bigint) => expect(x > y ? x - y : y - x).toBeLessThanOrEqual(wei)

describe('Derive fixed-point math', () => {
  it('takes ln of 1 as 0 and of e as 1 to within a few wei', () => {
    near(ln(UNIT), 0n, 2n)
    near(ln(2718281828459045235n), UNIT, 10n)
  })

  it('inverts ln with exp to within 1e-17 relative', () => {
    for (const x of [1n, 10n ** 9n, 3n * UNIT, 123_456n * UNIT, 10n ** 30n]) {
      const back = exp(ln(x))
      expect(Number(back > x ? back - x : x - back) / Number(x)).toBeLessThan(1e-15 + 1 / Number(x))
    }
  })

  it('returns 0 for exp below -42 and throws on overflow above 135', () => {
    expect(exp(-43n * UNIT)).toBe(0n)
    expect(() => exp(136n * UNIT)).toThrow(DeriveMathError)
  })

  it('refuses ln of zero and of negatives as the contract does', () => {
    expect(() => ln(0n)).toThrow(DeriveMathError)
    expect(() => ln(-UNIT)).toThrow(DeriveMathError)
  })

  it('rounds square roots down like the Babylonian routine', () => {
    expect(sqrt(4n * UNIT)).toBe(2n * UNIT)
    for (const x of [2n, 99n, 10n ** 36n + 7n, 2n ** 200n + 12345n]) {
      const r = sqrtInt(x)
      expect(r * r <= x && (r + 1n) * (r + 1n) > x).toBe(true)
    }
  })

  it('gives a normal CDF of one half at 0, symmetric, and saturating past 37', () => {
    near(stdNormalCdf(0n), UNIT / 2n, 10n)
    const x = 1_234_567_890_000_000_000n
    near(stdNormalCdf(x) + stdNormalCdf(-x), UNIT, 2n)
    near(stdNormalCdf(1_959_963_984_540_054_000n), 975_000_000_000_000_000n, 10n ** 3n)
    expect(stdNormalCdf(38n * UNIT)).toBe(UNIT)
    expect(stdNormalCdf(-38n * UNIT)).toBe(0n)
    near(stdNormalCdf(-8n * UNIT), 622n, 1n) // continued-fraction branch, Φ(-8) ≈ 6.22e-16
  })

  it('raises to fractional powers through exp and ln', () => {
    near(decPow(4n * UNIT, UNIT / 2n), 2n * UNIT, 10n)
  })
})

describe('ilog2', () => {
  it('is the bit length minus one at, just below and just above every power of two up to 2^1100', () => {
    for (let k = 0; k <= 1100; k++) {
      const p = 1n << BigInt(k)
      for (const x of [p - 1n, p, p + 1n, p + (p >> 1n)]) {
        if (x > 0n) expect(ilog2(x)).toBe(x.toString(2).length - 1)
      }
    }
  })
})
