import { VolatilityInputError } from './errors.js'
import type { LogReturns } from './logReturns.js'

/** RiskMetrics' decay factor for daily returns (J.P. Morgan/Reuters, RiskMetrics Technical Document, 4th ed. 1996, §5.3). */
export const RISKMETRICS_DAILY_LAMBDA = 0.94

/**
 * Decay per hour used for hourly oracle prices: 0.94^(1/24) ≈ 0.99743, RiskMetrics' daily memory kept in calendar time
 * (weights fall by 6% a day whatever the sampling; half-life ln 0.5 / ln 0.94 ≈ 11.2 days). Using 0.94 per hour would
 * forget a shock within a day (half-life 11 hours) and chase every hourly print; the daily figure is the one
 * RiskMetrics validated.
 */
export const HOURLY_LAMBDA = RISKMETRICS_DAILY_LAMBDA ** (1 / 24)

/** Options of {@link ewmaVariance}. */
export type EwmaOptions = {
  /** decay per `stepSeconds`, in (0, 1); default {@link HOURLY_LAMBDA} */
  lambda?: number
  /** the step `lambda` is quoted for, seconds; default 3600 */
  stepSeconds?: number
}

/**
 * One EWMA update for a return spanning `dtSeconds`, as a variance rate (per second):
 * `v' = w·v + (1 − w)·r²/dt` with `w = λ^(dt / step)`, so irregular spacing decays by elapsed time and a return over a
 * longer gap counts as a variance rate, not a larger shock. Zero mean, as RiskMetrics assumes.
 * @param variancePerSecond the current variance rate, 1/s
 * @returns the updated variance rate, 1/s
 */
export function ewmaStep(variancePerSecond: number, r: number, dtSeconds: number, lambda: number, stepSeconds: number): number {
  const w = lambda ** (dtSeconds / stepSeconds)
  return w * variancePerSecond + (1 - w) * ((r * r) / dtSeconds)
}

/**
 * EWMA variance rate after the last return (RiskMetrics 1996). Seeded with the mean of r²/dt over the first
 * min(n, ⌈1/(1 − λ)⌉) returns (one memory length), then updated by {@link ewmaStep} over every return.
 * @param r log returns with their spans (see `logReturns`)
 * @returns the variance rate per second after the last return; the variance over H seconds is `H ×` it
 * @throws {VolatilityInputError} when there is no return, or λ is outside (0, 1) or the step is not > 0
 */
export function ewmaVariance(r: LogReturns, options: EwmaOptions = {}): number {
  const lambda = options.lambda ?? HOURLY_LAMBDA
  const step = options.stepSeconds ?? 3600
  if (!(lambda > 0 && lambda < 1)) throw new VolatilityInputError('lambda', `expected a decay in (0, 1), got ${lambda}`)
  if (!(step > 0)) throw new VolatilityInputError('stepSeconds', `expected > 0, got ${step}`)
  const n = r.returns.length
  if (n === 0) throw new VolatilityInputError('points', 'needs at least two prices')
  const seedCount = Math.min(n, Math.ceil(1 / (1 - lambda)))
  let v = 0
  for (let i = 0; i < seedCount; i++) v += (r.returns[i]! * r.returns[i]!) / r.dtSeconds[i]!
  v /= seedCount
  for (let i = 0; i < n; i++) v = ewmaStep(v, r.returns[i]!, r.dtSeconds[i]!, lambda, step)
  return v
}
