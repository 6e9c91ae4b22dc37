import randn from '@stdlib/random-base-randn'
import { describe, expect, it } from 'vitest'
import { VolatilityInputError } from './errors.js'
import { fitGarch11, garchFilter, garchHorizonVariance, garchNegLogLikelihood, MIN_GARCH_SAMPLE } from './garch.js'

/** x_t = √h_t·z_t with h_t = ω + α x²_{t−1} + β h_{t−1}, z from a seeded standard normal, after a burn-in of 500. */
function simulate(p: { omega: number; alpha: number; beta: number }, n: number, seed: number): Float64Array {
  const z = randn.factory({ seed })
  const x = new Float64Array(n)
  let h = p.omega / (1 - p.alpha - p.beta)
  let prev = 0
  for (let t = -500; t < n; t++) {
    h = p.omega + p.alpha * prev * prev + p.beta * h
    prev = Math.sqrt(h) * z()
    if (t >= 0) x[t] = prev
  }
  return x
}

describe('fitGarch11', () => {
  it('recovers the parameters of a simulated GARCH(1,1) within tolerance', () => {
    const truth = { omega: 2e-6, alpha: 0.08, beta: 0.9 }
    const fit = fitGarch11(simulate(truth, 20_000, 7))!
    expect(fit).not.toBeNull()
    expect(fit.alpha).toBeGreaterThan(0.06)
    expect(fit.alpha).toBeLessThan(0.1)
    expect(fit.beta).toBeGreaterThan(0.87)
    expect(fit.beta).toBeLessThan(0.93)
    expect(fit.longRunVariance / (truth.omega / (1 - truth.alpha - truth.beta))).toBeGreaterThan(0.8)
    expect(fit.longRunVariance / (truth.omega / (1 - truth.alpha - truth.beta))).toBeLessThan(1.25)
    expect(fit.persistence).toBeLessThan(1)
  })

  it('finds a higher likelihood than the true parameters on the same sample (it is the maximum)', () => {
    const truth = { omega: 1e-5, alpha: 0.1, beta: 0.85 }
    const x = simulate(truth, 5_000, 11)
    const fit = fitGarch11(x)!
    const ms = x.reduce((s, v) => s + v * v, 0) / x.length
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(-garchNegLogLikelihood(truth, x, ms) - 1e-6)
    expect(fit.logLikelihood).toBeCloseTo(-garchNegLogLikelihood(fit, x, ms), 6)
  })

  it('finds almost no ARCH effect in independent normal returns', () => {
    const z = randn.factory({ seed: 3 })
    const x = Float64Array.from({ length: 5_000 }, () => 0.01 * z())
    const fit = fitGarch11(x)!
    expect(fit.alpha).toBeLessThan(0.03)
    expect(Math.sqrt(fit.longRunVariance)).toBeGreaterThan(0.0097)
    expect(Math.sqrt(fit.longRunVariance)).toBeLessThan(0.0103)
  })

  it('refuses a sample shorter than the minimum', () => {
    expect(() => fitGarch11(new Float64Array(MIN_GARCH_SAMPLE - 1).fill(0.01))).toThrow(VolatilityInputError)
  })
})

describe('garchFilter and garchHorizonVariance', () => {
  it('computes the recursion by hand for two steps', () => {
    const h = garchFilter({ omega: 1, alpha: 0.1, beta: 0.8 }, [2, -1], 5)
    expect(Array.from(h)).toEqual([5, 1 + 0.1 * 4 + 0.8 * 5, 1 + 0.1 * 1 + 0.8 * 5.4])
  })

  it('sums the mean-reverting forecasts over the horizon', () => {
    const p = { omega: 1, alpha: 0.1, beta: 0.8 } // long-run variance 10
    // steps: 20, then 10 + 0.9·10 = 19, then 10 + 0.81·10 = 18.1
    expect(garchHorizonVariance(p, 20, 3)).toBeCloseTo(20 + 19 + 18.1, 12)
    expect(garchHorizonVariance(p, 10, 4)).toBeCloseTo(40, 12)
  })
})
