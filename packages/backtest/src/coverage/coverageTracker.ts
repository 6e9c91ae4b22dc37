import { filteredCoverage } from '@unimargin/risk'
import type { HourlySeries } from './hourlyCloses.js'
import type { VolatilityPath } from './volatilityPath.js'

/** The σ multiple in force at a time (null while there is too little history); call with non-decreasing times. */
export type CoverageTracker = { at(tMs: number): number | null }

/**
 * Filtered-historical coverage through time with no look-ahead: the standardised move of the horizon starting at
 * price i of a symbol, |ln(P(t_i + H) / P(t_i))| / σ_i, joins the pool only at t_i + H, when it is known. The quantile
 * (`filteredCoverage` at `level`) is re-read every `refreshMs`; null while the pool is too small.
 * @param series hourly closes per symbol, with the σ path of each (same index)
 */
export function filteredCoverageTracker(
  series: readonly HourlySeries[],
  paths: ReadonlyMap<string, VolatilityPath>,
  horizonMs: number,
  level: number,
  refreshMs = 168 * 3_600_000,
): CoverageTracker {
  const known: { at: number; u: number }[] = []
  for (const s of series) {
    const sigma = paths.get(s.symbol)!.sigmaHorizon
    const byTime = new Map(s.times.map((t, i) => [t, i]))
    for (let i = 0; i < s.times.length; i++) {
      const j = byTime.get(s.times[i]! + horizonMs)
      const sg = sigma[i]!
      if (j === undefined || !(sg > 0)) continue
      known.push({ at: s.times[j]!, u: Math.abs(Math.log(s.closes[j]! / s.closes[i]!)) / sg })
    }
  }
  known.sort((a, b) => a.at - b.at)
  const pool: number[] = []
  let next = 0
  let lastRead = -Infinity
  let z: number | null = null
  return {
    at(tMs) {
      while (next < known.length && known[next]!.at <= tMs) pool.push(known[next++]!.u)
      if (tMs - lastRead >= refreshMs) {
        z = filteredCoverage(pool, level)
        lastRead = tMs
      }
      return z
    },
  }
}
