import { describe, expect, it } from 'vitest'
import { VolatilityInputError } from './errors.js'
import { ewmaStep, ewmaVariance, HOURLY_LAMBDA } from './ewma.js'
import { logReturns } from './logReturns.js'

const H = 3_600_000

describe('ewmaVariance', () => {
  it('matches a hand-computed RiskMetrics recursion on daily returns with λ = 0.94', () => {
    // returns ln(101/100), ln(99/101), ln(102/99); λ = 0.94 means a 17-return seed, here all 3 returns
    const pts = [100, 101, 99, 102].map((price, i) => ({ tMs: i * 86_400_000, price }))
    const r = [Math.log(1.01), Math.log(99 / 101), Math.log(102 / 99)]
    let v = (r[0]! ** 2 + r[1]! ** 2 + r[2]! ** 2) / 3
    for (const x of r) v = 0.94 * v + 0.06 * x * x
    const got = ewmaVariance(logReturns(pts), { lambda: 0.94, stepSeconds: 86_400 })
    expect(got * 86_400).toBeCloseTo(v, 15)
  })

  it('decays by elapsed time, so a two-hour gap weighs like two hourly steps', () => {
    expect(ewmaStep(1e-8, 0, 7200, 0.99, 3600)).toBeCloseTo(0.99 ** 2 * 1e-8, 20)
    // a return over two hours at the same variance rate leaves the rate unchanged
    const rate = 1e-8
    expect(ewmaStep(rate, Math.sqrt(rate * 7200), 7200, 0.99, 3600)).toBeCloseTo(rate, 20)
  })

  it('uses 0.94^(1/24) per hour: one day of hourly steps decays like one RiskMetrics day', () => {
    expect(HOURLY_LAMBDA ** 24).toBeCloseTo(0.94, 14)
  })

  it('tracks a constant variance rate of irregularly spaced returns', () => {
    // |r| = σ·√dt exactly on every return, gaps of 1, 2 and 3 hours
    const sigmaPerSecond = 1e-4
    const pts = [{ tMs: 0, price: 100 }]
    for (let i = 1; i < 300; i++) {
      const dt = ((i % 3) + 1) * 3600
      const prev = pts[i - 1]!
      pts.push({ tMs: prev.tMs + dt * 1000, price: prev.price * Math.exp((i % 2 ? 1 : -1) * sigmaPerSecond * Math.sqrt(dt)) })
    }
    expect(Math.sqrt(ewmaVariance(logReturns(pts)))).toBeCloseTo(sigmaPerSecond, 12)
  })

  it('rejects a decay outside (0, 1) and a series of one price', () => {
    const two = logReturns([{ tMs: 0, price: 1 }, { tMs: H, price: 2 }])
    expect(() => ewmaVariance(two, { lambda: 1 })).toThrow(VolatilityInputError)
    expect(() => ewmaVariance(logReturns([{ tMs: 0, price: 1 }]))).toThrow(VolatilityInputError)
  })
})

describe('logReturns', () => {
  it('returns log returns and their spans, and refuses time going backwards or a zero price', () => {
    const r = logReturns([{ tMs: 0, price: 100 }, { tMs: 2 * H, price: 110 }])
    expect(Array.from(r.returns)).toEqual([Math.log(1.1)])
    expect(Array.from(r.dtSeconds)).toEqual([7200])
    expect(() => logReturns([{ tMs: H, price: 1 }, { tMs: H, price: 1 }])).toThrow(/points\[1\]\.tMs/)
    expect(() => logReturns([{ tMs: 0, price: 0 }])).toThrow(/points\[0\]\.price/)
  })
})
