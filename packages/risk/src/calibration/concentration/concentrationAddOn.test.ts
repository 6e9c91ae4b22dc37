import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkConcentrationParams, concentrationAddOnUsd, impactCostUsd } from './concentrationAddOn.js'

describe('impactCostUsd', () => {
  it('charges Y·σ·sqrt(N/D)·N: a position at the depth pays σ of its notional', () => {
    expect(impactCostUsd(1_000_000, 0.02, 1_000_000, 1)).toBeCloseTo(20_000, 6)
    expect(impactCostUsd(-4_000_000, 0.02, 1_000_000, 1)).toBeCloseTo(160_000, 6)
  })

  it('makes a small position pay a negligible add-on (under 0.01% of notional at 1/10 000 of the depth)', () => {
    const n = 10_000
    expect(impactCostUsd(n, 0.02, 100_000_000, 1) / n).toBeLessThan(1e-4 * 0.02 * 100)
    expect(impactCostUsd(0, 0.02, 1, 1)).toBe(0)
  })

  it('is monotone in size, and grows faster than size', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e9, noNaN: true }), fc.double({ min: 1.0001, max: 10, noNaN: true }), (n, k) => {
        const a = impactCostUsd(n, 0.03, 5e7, 1)
        const b = impactCostUsd(n * k, 0.03, 5e7, 1)
        expect(b).toBeGreaterThan(a)
        expect(b / (n * k)).toBeGreaterThanOrEqual(a / n)
      }),
    )
  })
})

describe('concentrationAddOnUsd', () => {
  const params = { coefficient: 1, depthUsd: { BTC: 1e8, '*': 1e7 } }

  it('sums per underlying, uses the `*` depth for the rest and the default σ when none is configured', () => {
    const got = concentrationAddOnUsd(Float64Array.from([1e6, -1e6]), ['BTC', 'SOL'], () => 0.02, params)
    expect(got).toBeCloseTo(0.02 * Math.sqrt(1e6 / 1e8) * 1e6 + 0.02 * Math.sqrt(1e6 / 1e7) * 1e6, 6)
  })

  it('charges nothing on an underlying without a depth', () => {
    expect(concentrationAddOnUsd(Float64Array.from([1e9]), ['DOGE'], () => 0.05, { coefficient: 1, depthUsd: { BTC: 1e8 } })).toBe(0)
  })

  it('prefers a configured σ to the default', () => {
    const got = concentrationAddOnUsd(Float64Array.from([1e6]), ['BTC'], () => 0.02, { ...params, sigma: { BTC: 0.04 } })
    expect(got).toBeCloseTo(0.04 * 0.1 * 1e6, 6)
  })

  it('refuses a depth that is not positive', () => {
    expect(() => checkConcentrationParams({ coefficient: 1, depthUsd: { BTC: 0 } })).toThrow(/depth of BTC/)
  })
})
