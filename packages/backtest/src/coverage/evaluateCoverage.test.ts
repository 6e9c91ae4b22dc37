import randn from '@stdlib/random-base-randn'
import { describe, expect, it } from 'vitest'
import type { CoverageBook } from './books.js'
import { evaluateCoverage } from './evaluateCoverage.js'
import type { HourlySeries } from './hourlyCloses.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2021, 0, 1)

/** hourly random walk with a calm and a wild half, seeded */
function walk(symbol: string, n: number, seed: number): HourlySeries {
  const z = randn.factory({ seed })
  const times = [T0]
  const closes = [100]
  for (let i = 1; i < n; i++) {
    times.push(T0 + i * HOUR)
    closes.push(closes[i - 1]! * Math.exp((i < n / 2 ? 0.004 : 0.012) * z()))
  }
  return { symbol, times, closes }
}

const books: CoverageBook[] = [
  { name: 'btc-long', description: '', legs: [{ underlying: 'BTC', notionalUsd: 100_000 }] },
  { name: 'pair', description: '', legs: [{ underlying: 'BTC', notionalUsd: 50_000 }, { underlying: 'ETH', notionalUsd: -50_000 }] },
]

describe('evaluateCoverage', () => {
  const series = [walk('BTC', 4_000, 1), walk('ETH', 4_000, 2), walk('SOL', 4_000, 3)]

  it('sets no requirement from prices after its hour: changing the future leaves every earlier MM as it was', () => {
    const cut = T0 + 3_800 * HOUR // after the filtered coverage starts (3 × 3 500 moves ≥ 10 000 at the read of hour 3 500)
    const changed = series.map((s) => ({ ...s, closes: s.closes.map((c, i) => (s.times[i]! > cut ? c * (1 + 0.3 * Math.sin(i)) : c)) }))
    for (const method of ['ewma', 'garch'] as const) {
      const a = evaluateCoverage({ series, books, strideHours: 4, volatility: { method, refitHours: 500 } })
      const b = evaluateCoverage({ series: changed, books, strideHours: 4, volatility: { method, refitHours: 500 } })
      for (const [k, s] of a.entries()) {
        const t = b[k]!
        const upTo = s.times.findIndex((x) => x > cut)
        expect(upTo).toBeGreaterThan(500)
        expect(t.requirementUsd.slice(0, upTo)).toEqual(s.requirementUsd.slice(0, upTo))
        // the losses of hours whose horizon ends after the cut do change
        expect(t.lossUsd.slice(upTo - 1)).not.toEqual(s.lossUsd.slice(upTo - 1))
      }
    }
  })

  it('counts an exceedance exactly when the realised loss over the horizon is above the MM at its start', () => {
    const runs = evaluateCoverage({ series, books, strideHours: 1, volatility: { method: 'ewma' } })
    const long = runs.find((r) => r.book === 'btc-long' && r.model === 'volatility')!
    const btc = series[0]!
    for (const i of [10, 1_234, 3_900]) {
      const at = btc.times.indexOf(long.times[i]!)
      const units = Math.round((100_000 / btc.closes[at]!) * 1e8) / 1e8
      expect(long.lossUsd[i]).toBeCloseTo(-units * (btc.closes[at + 4]! - btc.closes[at]!), 8)
    }
    for (const r of runs) {
      r.exceeded.forEach((x, i) => {
        expect(x).toBe(r.lossUsd[i]! > r.requirementUsd[i]!)
      })
    }
    expect(runs.some((r) => r.exceeded.some(Boolean))).toBe(true)
  })

  it('tests only hours one horizon apart, holds MM at the floor in the calm half and sizes it up in the wild half', () => {
    const runs = evaluateCoverage({ series, books, strideHours: 1, volatility: { method: 'ewma' }, coverage: 3.29 })
    for (const r of runs) {
      const tested = r.times.filter((_, i) => r.tested[i])
      for (let i = 1; i < tested.length; i++) expect(tested[i]! - tested[i - 1]!).toBeGreaterThanOrEqual(4 * HOUR)
      expect(tested.length).toBeGreaterThan(r.times.length / 4 - 2)
    }
    const vol = runs.find((r) => r.book === 'btc-long' && r.model === 'volatility')!
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length
    // calm: 3.29 × 0.004 × √4 = 2.6% < the floor 0.5 × 10%; wild: 3.29 × 0.012 × √4 = 7.9%, + 0.1% contingency
    expect(mean(vol.requirementUsd.slice(1_000, 1_900))).toBeCloseTo(5_100, -1)
    expect(mean(vol.requirementUsd.slice(3_000))).toBeGreaterThan(7_000)
    expect(mean(vol.requirementUsd.slice(3_000))).toBeLessThan(9_000)
    const fixed = runs.find((r) => r.book === 'btc-long' && r.model === 'static')!
    // the static grid: BTC maxMove 10% + 0.1% per-contract contingency
    expect(fixed.requirementUsd[100]).toBeCloseTo(10_100, -1)
  })
})
