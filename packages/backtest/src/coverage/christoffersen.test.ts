import { describe, expect, it } from 'vitest'
import { christoffersenIndependence } from './christoffersen.js'

const bits = (s: string) => [...s].map((c) => c === '1')

describe('christoffersenIndependence', () => {
  it('gives 0 when the exceedance rate after an exceedance equals the rate after none', () => {
    // transitions 00 ×4, 01 ×2, 10 ×2, 11 ×1: π0 = 2/6 = π1 = 1/3 = π
    const t = christoffersenIndependence(bits('0011000100'))
    expect([t.n00, t.n01, t.n10, t.n11]).toEqual([4, 2, 2, 1])
    expect(t.lr).toBeCloseTo(0, 12)
    expect(t.pValue).toBeCloseTo(1, 12)
  })

  it('computes a hand-worked clustered case', () => {
    // 000011110000: n00 = 6, n01 = 1, n10 = 1, n11 = 3; π0 = 1/7, π1 = 3/4, π = 4/11
    // LR = −2[7 ln(7/11) + 4 ln(4/11)] + 2[6 ln(6/7) + ln(1/7) + ln(1/4) + 3 ln(3/4)] = 4.18029; p = erfc(√(LR/2))
    const t = christoffersenIndependence(bits('000011110000'))
    expect([t.n00, t.n01, t.n10, t.n11]).toEqual([6, 1, 1, 3])
    expect(t.lr).toBeCloseTo(4.180289412842448, 10)
    expect(t.pValue).toBeCloseTo(0.04089671639836245, 10)
  })

  it('rejects exceedances that come in runs and accepts the same count spread out', () => {
    const clustered = `${'0'.repeat(990)}${'1'.repeat(10)}`
    const spread = Array.from({ length: 1000 }, (_, i) => (i % 100 === 50 ? '1' : '0')).join('')
    expect(christoffersenIndependence(bits(clustered)).pValue).toBeLessThan(1e-6)
    expect(christoffersenIndependence(bits(spread)).pValue).toBeGreaterThan(0.3)
  })

  it('returns 0 with no exceedance (nothing to cluster)', () => {
    expect(christoffersenIndependence(bits('0000000')).lr).toBe(0)
  })
})
