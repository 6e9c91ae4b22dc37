import { ewmaStep, fitGarch11, type GarchParams, garchHorizonVariance, HOURLY_LAMBDA, MIN_GARCH_SAMPLE } from '@unimargin/risk'
import type { HourlySeries } from './hourlyCloses.js'

/** How the realised vol is tracked through history. */
export type VolatilityPathOptions = {
  /** the horizon σ is for, seconds (the grid's, 14 400) */
  horizonSeconds: number
  /** `ewma` only, or `garch` (EWMA until {@link MIN_GARCH_SAMPLE} returns exist, then GARCH); default `garch` */
  method?: 'ewma' | 'garch'
  /** EWMA decay per hour; default `HOURLY_LAMBDA` (0.94^(1/24)) */
  lambda?: number
  /** refit GARCH every this many hours (between fits the conditional variance is updated every hour); default 720 */
  refitHours?: number
  /** fit GARCH on at most this many latest returns; default 8 760 (a year of hours: the current regime) */
  garchWindow?: number
}

/** σ of the log return over the horizon at each price time, from prices up to and including that time. */
export type VolatilityPath = {
  /** NaN at the first price (no return yet) */
  sigmaHorizon: Float64Array
  /** which estimator gave each figure */
  method: ('ewma' | 'garch')[]
}

const STEP_SECONDS = 3600

/**
 * Realised volatility along a series with no look-ahead: the figure at index i uses returns up to price i only.
 * EWMA is updated every return (decaying by elapsed time, see `ewmaStep`; seeded with the running mean of r²/dt over
 * its first memory length); GARCH(1,1) is refitted by maximum
 * likelihood every `refitHours` on the latest `garchWindow` returns (warm-started at the previous fit) (rescaled to one hour, `perStepReturns`'s rule), and its
 * conditional variance is carried forward every hour with the latest fit (the usual practice: parameters are slow,
 * the variance is not). The horizon σ of GARCH is its mean-reverting term structure (`garchHorizonVariance`).
 * @param series hourly closes (gaps allowed)
 */
export function volatilityPath(series: HourlySeries, options: VolatilityPathOptions): VolatilityPath {
  const n = series.closes.length
  const lambda = options.lambda ?? HOURLY_LAMBDA
  const refitHours = options.refitHours ?? 720
  const window = options.garchWindow ?? 8760
  const useGarch = (options.method ?? 'garch') === 'garch'
  const steps = options.horizonSeconds / STEP_SECONDS
  const sigmaHorizon = new Float64Array(n).fill(Number.NaN)
  const method: ('ewma' | 'garch')[] = new Array(n).fill('ewma')
  const x = new Float64Array(Math.max(0, n - 1)) // returns rescaled to one hour
  const seedCount = Math.ceil(1 / (1 - lambda))
  let seed = 0
  let ewma = Number.NaN
  let garch: GarchParams | null = null
  let h = Number.NaN // GARCH variance of the next hour
  let lastFit = -Infinity
  for (let i = 1; i < n; i++) {
    const dt = (series.times[i]! - series.times[i - 1]!) / 1000
    const r = Math.log(series.closes[i]! / series.closes[i - 1]!)
    x[i - 1] = r * Math.sqrt(STEP_SECONDS / dt)
    // EWMA: seeded with the mean r²/dt of the first memory length of returns, as `ewmaVariance`
    if (i <= seedCount) {
      seed += (r * r) / dt
      ewma = seed / i
    } else ewma = ewmaStep(ewma, r, dt, lambda, STEP_SECONDS)
    if (garch) h = garch.omega + garch.alpha * x[i - 1]! * x[i - 1]! + garch.beta * h
    if (useGarch && i >= MIN_GARCH_SAMPLE && i - lastFit >= refitHours) {
      const fit = fitGarch11(x.subarray(Math.max(0, i - window), i), garch ?? undefined)
      lastFit = i
      if (fit) {
        garch = fit
        h = fit.nextVariance
      }
    }
    if (garch) {
      sigmaHorizon[i] = Math.sqrt(garchHorizonVariance(garch, h, steps))
      method[i] = 'garch'
    } else sigmaHorizon[i] = Math.sqrt(ewma * options.horizonSeconds)
  }
  return { sigmaHorizon, method }
}
