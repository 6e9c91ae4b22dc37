import { describe, expect, it } from 'vitest'
import { loadCrashWindows } from '../../portfolio/testing/crashWindows.js'
import { effectiveMaxCredit } from './effectiveMaxCredit.js'
import { meanAbsCorrelation, RollingCorrelation } from './rollingCorrelation.js'

describe('RollingCorrelation', () => {
  it('gives 1 for series with proportional returns and −1 for mirrored ones', () => {
    const c = new RollingCorrelation(['A', 'B', 'C'], 10)
    let a = 100
    let b = 50
    let cc = 10
    c.push({ A: a, B: b, C: cc })
    for (const r of [0.01, -0.02, 0.015, 0.003, -0.01]) {
      a *= Math.exp(r)
      b *= Math.exp(2 * r)
      cc *= Math.exp(-r)
      c.push({ A: a, B: b, C: cc })
    }
    const m = c.matrix()
    expect(m.observations).toBe(5)
    expect(m.rho[0]![1]).toBeCloseTo(1, 12)
    expect(m.rho[0]![2]).toBeCloseTo(-1, 12)
    expect(meanAbsCorrelation(m)).toBeCloseTo(1, 12)
  })

  it('forgets returns older than the window', () => {
    const c = new RollingCorrelation(['A', 'B'], 3)
    const path = [
      [100, 100],
      [101, 101],
      [100, 100],
      [101, 101],
      // from here B moves against A
      [102, 100],
      [101, 101],
      [102, 100],
    ]
    for (const [a, b] of path) c.push({ A: a!, B: b! })
    expect(c.matrix().observations).toBe(3)
    expect(c.matrix().rho[0]![1]).toBeCloseTo(-1, 2)
  })

  it('is the identity before two returns, and refuses a missing price', () => {
    const c = new RollingCorrelation(['A', 'B'], 5)
    c.push({ A: 1, B: 1 })
    expect(c.matrix().rho).toEqual([
      [1, 0],
      [0, 1],
    ])
    expect(() => c.push({ A: 1 })).toThrow(/No valid price of B/)
  })

  it('measures BTC/ETH hourly correlations near one in every crash window, which removes most of the credit', () => {
    const windows = loadCrashWindows()
    if (!windows) return
    for (const w of windows) {
      const c = new RollingCorrelation(['BTC', 'ETH'], 48)
      const btc = w.series.BTC!
      const eth = w.series.ETH!
      let worst = 0
      for (let k = 0; k < btc.length; k++) {
        c.push({ BTC: btc[k]!.close, ETH: eth[k]!.close })
        if (c.observations === 48) worst = Math.max(worst, meanAbsCorrelation(c.matrix()))
      }
      expect(worst, w.name).toBeGreaterThan(0.85)
      expect(effectiveMaxCredit(worst, { maxCredit: 0.5, referenceCorrelation: 0.5 })).toBeLessThan(0.15)
    }
  })
})

describe('effectiveMaxCredit', () => {
  it('keeps the published cap at or below the reference correlation and falls to zero at one', () => {
    const s = { maxCredit: 0.6, referenceCorrelation: 0.4, exponent: 2 }
    expect(effectiveMaxCredit(0.2, s)).toBe(0.6)
    expect(effectiveMaxCredit(0.4, s)).toBe(0.6)
    expect(effectiveMaxCredit(0.7, s)).toBeCloseTo(0.6 * 0.5 ** 2, 12)
    expect(effectiveMaxCredit(1, s)).toBe(0)
  })

  it('never rises as correlations rise', () => {
    let last = Number.POSITIVE_INFINITY
    for (let r = 0; r <= 1; r += 0.05) {
      const c = effectiveMaxCredit(Math.min(1, r), { maxCredit: 0.5 })
      expect(c).toBeLessThanOrEqual(last)
      last = c
    }
  })

  it('refuses a reference correlation of one', () => {
    expect(() => effectiveMaxCredit(0.5, { maxCredit: 0.5, referenceCorrelation: 1 })).toThrow(RangeError)
  })
})
