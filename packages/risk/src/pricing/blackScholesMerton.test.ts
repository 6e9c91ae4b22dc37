import { describe, expect, it } from 'vitest'
import { blackScholesMerton } from './blackScholesMerton.js'
import { loadOptionsReference } from './referenceValues.testdata.js'
import type { OptionRight } from './types.js'

const reference = loadOptionsReference()
const rightOf = (type: 'Call' | 'Put'): OptionRight => (type === 'Call' ? 'call' : 'put')

describe.skipIf(!reference)('blackScholesMerton against the reference values', () => {
  const bs = reference!.black_scholes

  it.each(bs.haug_prices.values.map((v) => [`${v.type} S=${v.spot} K=${v.strike} q=${v.q} r=${v.r} t=${v.t} σ=${v.vol}`, v] as const))(
    "matches Haug's price for the %s within the file's tolerance",
    (_, v) => {
      const g = blackScholesMerton({ spot: v.spot, strike: v.strike, timeYears: v.t, vol: v.vol, rate: v.r, dividendYield: v.q, right: rightOf(v.type) })
      expect(Math.abs(g.price - v.expected)).toBeLessThanOrEqual(Math.max(v.tol, 1e-4))
    },
  )

  it.each(bs.haug_greeks.values.map((v) => [v.greek, v] as const))("matches Haug's %s within 1e-4 absolute", (greek, v) => {
    const base = { spot: v.S, strike: v.K, timeYears: v.t, vol: v.vol, rate: v.r, dividendYield: v.q, right: rightOf(v.type) }
    const g = blackScholesMerton(base)
    let value: number
    if (greek === 'delta' || greek === 'gamma' || greek === 'vega') value = g[greek]
    else if (greek === 'elasticity') value = (g.delta * v.S) / g.price
    else if (greek.startsWith('theta per day')) value = g.theta / 365
    else if (greek === 'dividendRho') {
      // ∂V/∂q is not part of `Greeks`; check the price surface against it by a central difference.
      const h = 1e-6
      const up = blackScholesMerton({ ...base, dividendYield: v.q + h }).price
      const down = blackScholesMerton({ ...base, dividendYield: v.q - h }).price
      value = (up - down) / (2 * h)
    } else throw new Error(`No check for the reference Greek ${greek}.`)
    expect(Math.abs(value - v.expected)).toBeLessThanOrEqual(1e-4)
  })

  it("reproduces Hull's worked example to four decimals (call 4.7594, put 0.8086)", () => {
    const { S, K, r, sigma, T, q } = bs.hull_example.inputs
    const call = blackScholesMerton({ spot: S, strike: K, timeYears: T, vol: sigma, rate: r, dividendYield: q, right: 'call' })
    const put = blackScholesMerton({ spot: S, strike: K, timeYears: T, vol: sigma, rate: r, dividendYield: q, right: 'put' })
    expect(Math.abs(call.price - bs.hull_example.expected.call_4dp)).toBeLessThan(1e-4)
    expect(Math.abs(put.price - bs.hull_example.expected.put_4dp)).toBeLessThan(1e-4)
  })
})

describe('blackScholesMerton', () => {
  const base = { spot: 100, strike: 95, timeYears: 0.75, vol: 0.3, rate: 0.05, dividendYield: 0.02 }

  it('satisfies put-call parity C − P = S·e^{−qT} − K·e^{−rT}', () => {
    const c = blackScholesMerton({ ...base, right: 'call' }).price
    const p = blackScholesMerton({ ...base, right: 'put' }).price
    expect(c - p).toBeCloseTo(100 * Math.exp(-0.02 * 0.75) - 95 * Math.exp(-0.05 * 0.75), 10)
  })

  it('has Greeks equal to finite differences of its price', () => {
    for (const right of ['call', 'put'] as const) {
      const g = blackScholesMerton({ ...base, right })
      const price = (o: Partial<typeof base>) => blackScholesMerton({ ...base, ...o, right }).price
      const h = 1e-4
      expect(g.delta).toBeCloseTo((price({ spot: 100 + h }) - price({ spot: 100 - h })) / (2 * h), 6)
      expect(g.gamma).toBeCloseTo((price({ spot: 100 + 1e-2 }) - 2 * g.price + price({ spot: 100 - 1e-2 })) / 1e-4, 5)
      expect(g.vega).toBeCloseTo((price({ vol: 0.3 + h }) - price({ vol: 0.3 - h })) / (2 * h), 5)
      expect(g.rho).toBeCloseTo((price({ rate: 0.05 + h }) - price({ rate: 0.05 - h })) / (2 * h), 5)
      // theta = ∂V/∂t = −∂V/∂T
      expect(g.theta).toBeCloseTo(-(price({ timeYears: 0.75 + h }) - price({ timeYears: 0.75 - h })) / (2 * h), 5)
    }
  })

  it('prices at expiry at intrinsic value with the Greeks of a step', () => {
    const itm = blackScholesMerton({ ...base, timeYears: 0, right: 'call' })
    expect(itm).toEqual({ price: 5, delta: 1, gamma: 0, vega: 0, theta: 0.02 * 100 - 0.05 * 95, rho: 0 })
    const otm = blackScholesMerton({ ...base, timeYears: 0, right: 'put' })
    expect(otm).toEqual({ price: 0, delta: -0, gamma: 0, vega: 0, theta: 0, rho: -0 })
    const atm = blackScholesMerton({ ...base, strike: 100, timeYears: 0, right: 'call' })
    expect(atm.price).toBe(0)
    expect(atm.delta).toBe(0.5)
  })

  it('prices with zero volatility at the discounted forward intrinsic value', () => {
    const call = blackScholesMerton({ ...base, vol: 0, right: 'call' })
    const fwdIntrinsic = 100 * Math.exp(-0.02 * 0.75) - 95 * Math.exp(-0.05 * 0.75)
    expect(call.price).toBeCloseTo(fwdIntrinsic, 12)
    expect(call.delta).toBeCloseTo(Math.exp(-0.02 * 0.75), 12)
    expect(call.gamma).toBe(0)
    expect(blackScholesMerton({ ...base, vol: 0, right: 'put' }).price).toBe(0)
  })

  it('stays finite deep in and out of the money', () => {
    for (const strike of [1e-6, 1e-3, 1e3, 1e9]) {
      for (const right of ['call', 'put'] as const) {
        const g = blackScholesMerton({ ...base, strike, vol: 0.05, timeYears: 0.01, right })
        for (const v of Object.values(g)) expect(Number.isFinite(v)).toBe(true)
        expect(g.price).toBeGreaterThanOrEqual(0)
      }
    }
    expect(blackScholesMerton({ ...base, strike: 1e9, right: 'call' }).price).toBe(0)
  })

  it('throws a RangeError naming the value for invalid input', () => {
    expect(() => blackScholesMerton({ ...base, spot: 0, right: 'call' })).toThrow(/spot \(0\)/)
    expect(() => blackScholesMerton({ ...base, strike: -1, right: 'call' })).toThrow(RangeError)
    expect(() => blackScholesMerton({ ...base, timeYears: -0.1, right: 'call' })).toThrow(/-0.1/)
    expect(() => blackScholesMerton({ ...base, vol: Number.NaN, right: 'call' })).toThrow(/NaN/)
    expect(() => blackScholesMerton({ ...base, rate: Number.POSITIVE_INFINITY, right: 'call' })).toThrow(RangeError)
    expect(() => blackScholesMerton({ ...base, right: 'straddle' as 'call' })).toThrow(/straddle/)
  })
})
