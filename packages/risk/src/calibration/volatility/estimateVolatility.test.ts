import randn from '@stdlib/random-base-randn'
import { describe, expect, it } from 'vitest'
import { estimateVolatility, SECONDS_PER_YEAR } from './estimateVolatility.js'
import { ewmaVariance } from './ewma.js'
import { MIN_GARCH_SAMPLE } from './garch.js'
import { logReturns } from './logReturns.js'

/** hourly prices from a seeded normal random walk with hourly σ */
function walk(n: number, sigmaHourly: number, seed: number) {
  const z = randn.factory({ seed })
  const pts = [{ tMs: 0, price: 100 }]
  for (let i = 1; i < n; i++) pts.push({ tMs: i * 3_600_000, price: pts[i - 1]!.price * Math.exp(sigmaHourly * z()) })
  return pts
}

describe('estimateVolatility', () => {
  it('falls back to EWMA below the GARCH minimum sample and says why', () => {
    const pts = walk(MIN_GARCH_SAMPLE, 0.01, 5)
    const est = estimateVolatility(pts)
    expect(est.method).toBe('ewma')
    expect(est.fallbackReason).toMatch(/999 returns/)
    const rate = ewmaVariance(logReturns(pts))
    expect(est.sigmaHorizon).toBeCloseTo(Math.sqrt(rate * 14_400), 15)
    expect(est.sigmaAnnual).toBeCloseTo(Math.sqrt(rate * SECONDS_PER_YEAR), 15)
  })

  it('fits GARCH on a long series and reports σ per horizon and per year near the true constant σ', () => {
    const est = estimateVolatility(walk(4_000, 0.01, 9), { horizonSeconds: 14_400 })
    expect(est.method).toBe('garch')
    expect(est.garch!.persistence).toBeLessThan(1)
    expect(est.sigmaHorizon).toBeGreaterThan(0.019)
    expect(est.sigmaHorizon).toBeLessThan(0.021)
    expect(est.sigmaAnnual).toBeGreaterThan(0.01 * Math.sqrt(8760) * 0.95)
    expect(est.sigmaAnnual).toBeLessThan(0.01 * Math.sqrt(8760) * 1.05)
  })

  it('refuses GARCH explicitly asked for on too short a sample', () => {
    expect(() => estimateVolatility(walk(50, 0.01, 1), { method: 'garch' })).toThrow(/GARCH needs/)
  })
})
