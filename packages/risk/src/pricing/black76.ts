import { normCdf, normPdf } from './normal.js'
import type { Greeks, OptionRight } from './types.js'
import { requireFinite, requireNonNegative, requirePositive, requireRight } from './validate.js'

export type Black76Parameters = {
  /** forward (or futures) price of the underlying for the option's expiry, > 0 */
  forward: number
  /** strike price, > 0, same unit as `forward` */
  strike: number
  /** time to expiry in years, ≥ 0 */
  timeYears: number
  /** annualised volatility of the forward as a fraction (0.2 = 20%), ≥ 0 */
  vol: number
  /** continuously compounded discount rate per year as a fraction (premium paid at expiry ⇒ 0) */
  rate: number
  right: OptionRight
}

/**
 * Black-76 price and Greeks of a European option on a forward or futures price (F. Black, "The pricing of commodity
 * contracts", J. Financial Economics 3, 1976; Haug 2007 §1.1.5). With d1 = [ln(F/K) + σ²T/2] / (σ√T), d2 = d1 − σ√T:
 * call = e^{−rT}·[F·N(d1) − K·N(d2)]; put = e^{−rT}·[K·N(−d2) − F·N(−d1)].
 * Greeks with respect to the forward: delta = ∂V/∂F = ±e^{−rT}·N(±d1); gamma = ∂²V/∂F² = e^{−rT}·n(d1)/(F·σ√T);
 * vega = ∂V/∂σ = e^{−rT}·F·n(d1)·√T (per 1.00 of vol); theta = ∂V/∂t per year of calendar time with F held fixed
 * = r·V − e^{−rT}·F·n(d1)·σ/(2√T); rho = ∂V/∂r with F held fixed = −T·V (per 1.00 of rate).
 *
 * Degenerate inputs (σ√T = 0) give the discounted intrinsic value e^{−rT}·max(±(F − K), 0) with the Greeks of that
 * step: delta = ±e^{−rT} in the money, 0 out of it, half at the money; gamma 0; vega 0 (except the σ → 0 limit
 * e^{−rT}·F·√T·n(0) at the money with T > 0); theta = r·V; rho = −T·V.
 * @throws {RangeError} when forward or strike is not > 0, time or vol is negative, or any input is not finite.
 * @example black76({ forward: 100, strike: 100, timeYears: 1, vol: 0.2, rate: 0, right: 'call' }).price // ≈ 7.9656
 */
export function black76(parameters: Black76Parameters): Greeks {
  const { forward: F, strike: K, timeYears: T, vol: sigma, rate: r, right } = parameters
  requirePositive('forward', F)
  requirePositive('strike', K)
  requireNonNegative('time to expiry in years', T)
  requireNonNegative('volatility', sigma)
  requireFinite('rate', r)
  requireRight(right)

  const sqrtT = Math.sqrt(T)
  const sigmaSqrtT = sigma * sqrtT
  const df = Math.exp(-r * T)
  const sign = right === 'call' ? 1 : -1
  let Nd1: number
  let Nd2: number
  let nd1: number
  const degenerate = !(sigmaSqrtT > 0)
  if (degenerate) {
    const step = F > K ? 1 : F < K ? 0 : 0.5
    Nd1 = right === 'call' ? step : 1 - step
    Nd2 = Nd1
    nd1 = 0
  } else {
    const d1 = (Math.log(F / K) + 0.5 * sigma * sigma * T) / sigmaSqrtT
    const d2 = d1 - sigmaSqrtT
    Nd1 = normCdf(sign * d1)
    Nd2 = normCdf(sign * d2)
    nd1 = normPdf(d1)
  }
  const price = Math.max(0, sign * df * (F * Nd1 - K * Nd2))
  const delta = sign * df * Nd1
  const gamma = degenerate ? 0 : (df * nd1) / (F * sigmaSqrtT)
  const vega = degenerate ? (F === K && T > 0 ? df * F * sqrtT * normPdf(0) : 0) : df * F * nd1 * sqrtT
  const decay = degenerate ? 0 : (df * F * nd1 * sigma) / (2 * sqrtT)
  const theta = r * price - decay
  const rho = -T * price
  return { price, delta, gamma, vega, theta, rho }
}
