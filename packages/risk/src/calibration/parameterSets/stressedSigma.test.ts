import { describe, expect, it } from 'vitest'
import { loadCrashWindows } from '../../portfolio/testing/crashWindows.js'
import { stressedSigmaHorizon } from './stressedSigma.js'

describe('stressedSigmaHorizon', () => {
  it('scales the root mean square of the worst run of returns to the horizon', () => {
    const hour = 3_600_000
    // a calm day, then a day of ±5% hourly swings
    const closes = [100]
    for (let i = 0; i < 24; i++) closes.push(closes[closes.length - 1]! * (i % 2 ? 1.001 : 0.999))
    for (let i = 0; i < 24; i++) closes.push(closes[closes.length - 1]! * (i % 2 ? Math.exp(0.05) : Math.exp(-0.05)))
    const series = closes.map((close, i) => ({ tMs: i * hour, close }))
    expect(stressedSigmaHorizon(series, 4 * 3600, 24)).toBeCloseTo(0.05 * 2, 9)
  })

  it('finds a 4-hour σ of several percent for BTC and ETH in the worst crash window', () => {
    const windows = loadCrashWindows()
    if (!windows) return
    const worst = (s: 'BTC' | 'ETH') => Math.max(...windows.map((w) => stressedSigmaHorizon(w.series[s]!.map((c) => ({ tMs: c.t, close: c.close })), 4 * 3600, 24)))
    const btc = worst('BTC')
    const eth = worst('ETH')
    // Black Thursday (2020-03-12): BTC fell ~40% in a day
    expect(btc).toBeGreaterThan(0.04)
    expect(btc).toBeLessThan(0.2)
    expect(eth).toBeGreaterThan(btc)
  })

  it('refuses a series shorter than one run', () => {
    expect(() => stressedSigmaHorizon([{ tMs: 0, close: 1 }], 3600, 2)).toThrow(/at least 3 closes/)
  })
})
