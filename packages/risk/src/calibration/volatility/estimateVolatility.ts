import { VolatilityInputError } from './errors.js'
import { ewmaVariance, HOURLY_LAMBDA } from './ewma.js'
import { fitGarch11, type GarchFit, garchHorizonVariance, MIN_GARCH_SAMPLE } from './garch.js'
import { logReturns, type PricePoint, perStepReturns } from './logReturns.js'

/** Seconds in a year of a market that trades every day (crypto): 365 × 86 400. */
export const SECONDS_PER_YEAR = 365 * 86_400

/** Options of {@link estimateVolatility}. */
export type VolatilityOptions = {
  /** the horizon of `sigmaHorizon`, seconds; default 14 400 (the grid's 4 h) */
  horizonSeconds?: number
  /** `auto` fits GARCH when the sample allows and falls back to EWMA; default `auto` */
  method?: 'auto' | 'ewma' | 'garch'
  /** EWMA decay per step; default {@link HOURLY_LAMBDA} */
  lambda?: number
  /** the spacing GARCH works in and λ is quoted for, seconds; default 3600 */
  stepSeconds?: number
  /** use at most this many of the latest returns for the GARCH fit; default all */
  maxGarchSample?: number
}

/** Realised volatility of one underlying. */
export type VolatilityEstimate = {
  /** the estimator that produced the figures */
  method: 'ewma' | 'garch'
  /** why `auto` or `garch` fell back to EWMA, when it did */
  fallbackReason?: string
  /** returns used */
  sampleSize: number
  /** σ of the log return over one year (√(rate × 365 days)) */
  sigmaAnnual: number
  /** σ of the log return over `horizonSeconds` (GARCH: the term structure over the horizon, not √H × the next step) */
  sigmaHorizon: number
  horizonSeconds: number
  /** GARCH fit, when used */
  garch?: GarchFit
}

/**
 * Realised volatility of a price series (e.g. the oracle prices of one underlying, irregular timestamps allowed), from
 * log returns: GARCH(1,1) by maximum likelihood when there are at least {@link MIN_GARCH_SAMPLE} returns (on returns
 * rescaled to `stepSeconds`, see `perStepReturns`), otherwise, or when the fit fails, EWMA with λ (RiskMetrics 1996).
 * `sigmaAnnual` is the next step's rate annualised; `sigmaHorizon` is √ of the variance of the horizon's summed
 * returns (EWMA: rate × horizon; GARCH: `garchHorizonVariance`, mean-reverting towards ω/(1 − α − β)).
 * @param points prices in increasing time order, at least two
 * @throws {VolatilityInputError} on a bad price or time (see `logReturns`), λ outside (0, 1), non-positive horizon or
 *   step, or `method: 'garch'` with too few returns
 * @example estimateVolatility(hourlyBtc, { horizonSeconds: 14_400 }).sigmaHorizon // ≈ 0.02 in a quiet month
 */
export function estimateVolatility(points: readonly PricePoint[], options: VolatilityOptions = {}): VolatilityEstimate {
  const horizonSeconds = options.horizonSeconds ?? 14_400
  const stepSeconds = options.stepSeconds ?? 3600
  const method = options.method ?? 'auto'
  if (!(horizonSeconds > 0)) throw new VolatilityInputError('horizonSeconds', `expected > 0, got ${horizonSeconds}`)
  if (!(stepSeconds > 0)) throw new VolatilityInputError('stepSeconds', `expected > 0, got ${stepSeconds}`)
  const r = logReturns(points)
  const n = r.returns.length
  if (n === 0) throw new VolatilityInputError('points', 'needs at least two prices')
  if (method === 'garch' && n < MIN_GARCH_SAMPLE) throw new VolatilityInputError('points', `GARCH needs at least ${MIN_GARCH_SAMPLE} returns, got ${n}`)
  let fallbackReason: string | undefined
  if (method !== 'ewma') {
    if (n < MIN_GARCH_SAMPLE) fallbackReason = `${n} returns, GARCH needs ${MIN_GARCH_SAMPLE}`
    else {
      const x = perStepReturns(r, stepSeconds)
      const sample = options.maxGarchSample && options.maxGarchSample < n ? x.subarray(n - options.maxGarchSample) : x
      const garch = fitGarch11(sample)
      if (garch) {
        const horizonVariance = garchHorizonVariance(garch, garch.nextVariance, horizonSeconds / stepSeconds)
        return {
          method: 'garch',
          sampleSize: sample.length,
          sigmaAnnual: Math.sqrt((garch.nextVariance / stepSeconds) * SECONDS_PER_YEAR),
          sigmaHorizon: Math.sqrt(horizonVariance),
          horizonSeconds,
          garch,
        }
      }
      fallbackReason = 'the GARCH fit did not converge'
    }
  }
  const rate = ewmaVariance(r, { lambda: options.lambda ?? HOURLY_LAMBDA, stepSeconds })
  const out: VolatilityEstimate = {
    method: 'ewma',
    sampleSize: n,
    sigmaAnnual: Math.sqrt(rate * SECONDS_PER_YEAR),
    sigmaHorizon: Math.sqrt(rate * horizonSeconds),
    horizonSeconds,
  }
  if (fallbackReason) out.fallbackReason = fallbackReason
  return out
}
