import { fileURLToPath } from 'node:url'
import { FILTERED_COVERAGE_999, filteredCoverage } from '@unimargin/risk'
import { describe, expect, it } from 'vitest'
import { loadHourlyCloses } from './hourlyCloses.js'
import { volatilityPath } from './volatilityPath.js'

const dataDir = fileURLToPath(new URL('../../../../../shared/data/prices/perp_1h', import.meta.url))
const HORIZON_HOURS = 4

describe('the σ multiple the hub ships (FILTERED_COVERAGE_999)', () => {
  it('is the 99.9% quantile of 4-hour moves over their EWMA σ forecast on the five perpetuals, rounded up to 0.1', () => {
    const moves: number[] = []
    for (const symbol of ['BTC', 'ETH', 'SOL', 'LINK', 'AVAX']) {
      const series = loadHourlyCloses(dataDir, symbol)
      const { sigmaHorizon } = volatilityPath(series, { horizonSeconds: HORIZON_HOURS * 3600, method: 'ewma' })
      for (let i = 0; i + HORIZON_HOURS < series.closes.length; i++) {
        // only complete horizons, with a forecast made from returns up to i
        if (series.times[i + HORIZON_HOURS]! - series.times[i]! !== HORIZON_HOURS * 3_600_000) continue
        const sigma = sigmaHorizon[i]!
        if (sigma > 0) moves.push(Math.abs(Math.log(series.closes[i + HORIZON_HOURS]! / series.closes[i]!)) / sigma)
      }
    }
    expect(moves.length).toBeGreaterThan(150_000)
    const measured = filteredCoverage(moves, 0.999)!
    expect(measured).toBeLessThanOrEqual(FILTERED_COVERAGE_999)
    expect(FILTERED_COVERAGE_999 - measured).toBeLessThan(0.1)
  })
})
