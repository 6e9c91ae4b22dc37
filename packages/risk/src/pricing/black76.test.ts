import { describe, expect, it } from 'vitest'
import { black76 } from './black76.js'
import { blackScholesMerton } from './blackScholesMerton.js'

describe('black76', () => {
  const base = { forward: 2050, strike: 2000, timeYears: 0.3, vol: 0.65, rate: 0.04 }

  it('satisfies put-call parity C − P = e^{−rT}(F − K)', () => {
    for (const strike of [500, 1800, 2050, 2600, 9000]) {
      const c = black76({ ...base, strike, right: 'call' }).price
      const p = black76({ ...base, strike, right: 'put' }).price
      expect(c - p).toBeCloseTo(Math.exp(-0.04 * 0.3) * (2050 - strike), 9)
    }
  })

  it('equals BSM on the spot whose forward is F = S·e^{(r−q)T}', () => {
    const spot = 2000
    const q = 0.07
    const forward = spot * Math.exp((base.rate - q) * base.timeYears)
    for (const right of ['call', 'put'] as const) {
      const b = black76({ ...base, forward, right })
      const s = blackScholesMerton({ spot, strike: base.strike, timeYears: base.timeYears, vol: base.vol, rate: base.rate, dividendYield: q, right })
      expect(b.price).toBeCloseTo(s.price, 9)
    }
  })

  it('equals BSM with q = r on the forward in price, delta, gamma, vega and theta, and has rho = −T·V', () => {
    for (const right of ['call', 'put'] as const) {
      const b = black76({ ...base, right })
      const s = blackScholesMerton({ spot: base.forward, strike: base.strike, timeYears: base.timeYears, vol: base.vol, rate: base.rate, dividendYield: base.rate, right })
      for (const k of ['price', 'delta', 'gamma', 'vega', 'theta'] as const) expect(b[k]).toBeCloseTo(s[k], 9)
      expect(b.rho).toBeCloseTo(-base.timeYears * b.price, 12)
    }
  })

  it('has Greeks equal to finite differences of its price', () => {
    for (const right of ['call', 'put'] as const) {
      const g = black76({ ...base, right })
      const price = (o: Partial<typeof base>) => black76({ ...base, ...o, right }).price
      const h = 1e-4
      expect(g.delta).toBeCloseTo((price({ forward: 2050 + h }) - price({ forward: 2050 - h })) / (2 * h), 6)
      expect(g.gamma).toBeCloseTo((price({ forward: 2050 + 0.1 }) - 2 * g.price + price({ forward: 2050 - 0.1 })) / 0.01, 6)
      expect(g.vega).toBeCloseTo((price({ vol: 0.65 + h }) - price({ vol: 0.65 - h })) / (2 * h), 4)
      expect(g.rho).toBeCloseTo((price({ rate: 0.04 + h }) - price({ rate: 0.04 - h })) / (2 * h), 4)
      expect(g.theta).toBeCloseTo(-(price({ timeYears: 0.3 + h }) - price({ timeYears: 0.3 - h })) / (2 * h), 4)
    }
  })

  it('gives the textbook at-the-money value F·(2N(σ√T/2) − 1) with zero rate', () => {
    expect(black76({ forward: 100, strike: 100, timeYears: 1, vol: 0.2, rate: 0, right: 'call' }).price).toBeCloseTo(7.965567, 6)
  })

  it('prices at expiry and at zero volatility at discounted intrinsic value with step Greeks', () => {
    const call = black76({ ...base, timeYears: 0, right: 'call' })
    expect(call).toEqual({ price: 50, delta: 1, gamma: 0, vega: 0, theta: 0.04 * 50, rho: -0 })
    const put = black76({ ...base, vol: 0, right: 'put' })
    expect(put.price).toBe(0)
    expect(put.delta).toBe(-0)
    const atm = black76({ ...base, strike: 2050, vol: 0, right: 'call' })
    expect(atm.delta).toBeCloseTo(0.5 * Math.exp(-0.04 * 0.3), 12)
    expect(atm.vega).toBeGreaterThan(0)
  })

  it('stays finite deep in and out of the money', () => {
    for (const strike of [1e-6, 1, 1e6, 1e12]) {
      for (const right of ['call', 'put'] as const) {
        const g = black76({ ...base, strike, right })
        for (const v of Object.values(g)) expect(Number.isFinite(v)).toBe(true)
      }
    }
  })

  it('throws a RangeError naming the value for invalid input', () => {
    expect(() => black76({ ...base, forward: -5, right: 'call' })).toThrow(/forward \(-5\)/)
    expect(() => black76({ ...base, vol: -0.2, right: 'put' })).toThrow(RangeError)
  })
})
