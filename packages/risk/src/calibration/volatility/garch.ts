/// <reference path="./fmin.d.ts" />
import fmin from 'fmin'
import { VolatilityInputError } from './errors.js'

/**
 * Fewest returns a GARCH(1,1) is fitted on. Hwang & Valls Pereira ("Small sample properties of GARCH estimates and
 * persistence", European Journal of Finance 12(6-7), 2006, 473-494) find the ML estimates biased and often not
 * converging in small samples and propose at least 500 observations for GARCH(1,1); twice that, 1000 (six weeks of
 * hourly prices), is used here.
 */
export const MIN_GARCH_SAMPLE = 1000

/** GARCH(1,1) parameters per step: h_t = ω + α·x²_{t−1} + β·h_{t−1} (Bollerslev 1986), with α, β ≥ 0, α + β < 1. */
export type GarchParams = {
  /** ω, variance per step (squared log return), > 0 */
  omega: number
  alpha: number
  beta: number
}

/** A fitted GARCH(1,1). */
export type GarchFit = GarchParams & {
  /** α + β, < 1 (stationarity) */
  persistence: number
  /** ω / (1 − α − β), variance per step */
  longRunVariance: number
  /** conditional variance of the step after the last return, per step */
  nextVariance: number
  /** Gaussian log-likelihood at the optimum (constant −n/2·ln 2π included) */
  logLikelihood: number
  /** returns the fit used */
  sampleSize: number
}

/**
 * Conditional variances of a GARCH(1,1) over `x`, started at `h0` (the variance of x[0]).
 * @returns h with h[t] the variance of x[t]; one longer than x: h[n] is the forecast for the next step
 */
export function garchFilter(p: GarchParams, x: ArrayLike<number>, h0: number): Float64Array {
  const h = new Float64Array(x.length + 1)
  h[0] = h0
  for (let t = 0; t < x.length; t++) h[t + 1] = p.omega + p.alpha * x[t]! * x[t]! + p.beta * h[t]!
  return h
}

/**
 * Negative Gaussian log-likelihood of `x` under the GARCH(1,1) `p`, h_1 = `h0`:
 * ½·Σ (ln 2π + ln h_t + x_t² / h_t). Zero conditional mean (hourly crypto drift is far below its noise).
 */
export function garchNegLogLikelihood(p: GarchParams, x: ArrayLike<number>, h0: number): number {
  let h = h0
  let nll = 0
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!
    nll += Math.log(h) + (xt * xt) / h
    h = p.omega + p.alpha * xt * xt + p.beta * h
  }
  return 0.5 * (nll + x.length * Math.log(2 * Math.PI))
}

const logistic = (z: number) => 1 / (1 + Math.exp(-z))
const logit = (p: number) => Math.log(p / (1 - p))

/**
 * Maximum-likelihood GARCH(1,1) on equally spaced returns (use `perStepReturns` for irregular prices). The returns are
 * scaled to unit mean square for the search and ω scaled back. The search is unconstrained over
 * (logit(α + β), logit(α / (α + β)), ln ω), so every candidate satisfies ω > 0, α, β ≥ 0 and α + β < 1; the
 * minimiser is Nelder-Mead (`fmin`, benfred/fmin), started at α = 0.05, β = 0.90 with ω at the sample variance
 * (variance targeting) unless `start` gives α and β (a warm start from an earlier fit). h_1 is the sample mean square.
 * @param x returns per step (log, zero mean assumed)
 * @param start optional α, β to start the search from (0 < α, β and α + β < 1)
 * @returns the fit, or null when it did not converge to finite figures
 * @throws {VolatilityInputError} with fewer than {@link MIN_GARCH_SAMPLE} returns, or all of them zero
 */
export function fitGarch11(x: ArrayLike<number>, start?: Pick<GarchParams, 'alpha' | 'beta'>): GarchFit | null {
  const n = x.length
  if (n < MIN_GARCH_SAMPLE) throw new VolatilityInputError('returns', `GARCH needs at least ${MIN_GARCH_SAMPLE} returns, got ${n}`)
  let ms = 0
  for (let t = 0; t < n; t++) ms += x[t]! * x[t]!
  ms /= n
  if (!(ms > 0)) throw new VolatilityInputError('returns', 'every return is zero')
  const scale = Math.sqrt(ms)
  const y = new Float64Array(n)
  for (let t = 0; t < n; t++) y[t] = x[t]! / scale
  const decode = (z: number[]): GarchParams => {
    const persistence = logistic(z[0]!)
    const alpha = persistence * logistic(z[1]!)
    return { omega: Math.exp(z[2]!), alpha, beta: persistence - alpha }
  }
  const objective = (z: number[]) => {
    const v = garchNegLogLikelihood(decode(z), y, 1)
    return Number.isFinite(v) ? v : Number.MAX_VALUE
  }
  const a0 = start && start.alpha > 0 && start.beta > 0 && start.alpha + start.beta < 1 ? start : { alpha: 0.05, beta: 0.9 }
  const p0 = a0.alpha + a0.beta
  const best = fmin.nelderMead(objective, [logit(p0), logit(a0.alpha / p0), Math.log(1 - p0)], { maxIterations: 2000, minErrorDelta: 1e-9, minTolerance: 1e-7 })
  const p = decode(best.x)
  const omega = p.omega * ms
  const persistence = p.alpha + p.beta
  if (!(Number.isFinite(best.fx) && best.fx < Number.MAX_VALUE && persistence < 1 && omega > 0)) return null
  const fit = { omega, alpha: p.alpha, beta: p.beta }
  const h = garchFilter(fit, x, ms)
  return {
    ...fit,
    persistence,
    longRunVariance: omega / (1 - persistence),
    nextVariance: h[n]!,
    logLikelihood: -(best.fx + n * Math.log(scale)),
    sampleSize: n,
  }
}

/**
 * Variance of the sum of the next `steps` returns (steps may be fractional), given the next step's variance:
 * Σ_{k=1..H} [σ̄² + P^{k−1}·(h − σ̄²)] = σ̄²·H + (h − σ̄²)·(1 − P^H)/(1 − P), with P = α + β and σ̄² = ω/(1 − P).
 * @param p the fit (persistence < 1)
 * @param nextVariance h, variance of the next step
 * @param steps H > 0
 * @returns variance per H steps (squared log return)
 */
export function garchHorizonVariance(p: GarchParams, nextVariance: number, steps: number): number {
  const persistence = p.alpha + p.beta
  const longRun = p.omega / (1 - persistence)
  return longRun * steps + ((nextVariance - longRun) * (1 - persistence ** steps)) / (1 - persistence)
}
