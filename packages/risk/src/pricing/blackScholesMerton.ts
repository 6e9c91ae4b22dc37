import { normCdf, normPdf } from './normal.js'
import type { Greeks, OptionRight } from './types.js'
import { requireFinite, requireNonNegative, requirePositive, requireRight } from './validate.js'

export type BlackScholesMertonParameters = {
  /** spot price of the underlying, > 0 */
  spot: number
  /** strike price, > 0, same unit as `spot` */
  strike: number
  /** time to expiry in years, ≥ 0 */
  timeYears: number
  /** annualised volatility as a fraction (0.2 = 20%), ≥ 0 */
  vol: number
  /** continuously compounded risk-free rate per year as a fraction */
  rate: number
  /** continuously compounded dividend (or foreign-rate / funding) yield per year as a fraction; default 0 */
  dividendYield?: number
  right: OptionRight
}

/**
 * Generalised Black-Scholes-Merton price and Greeks of a European option on a spot asset paying a continuous yield
 * `q` (Merton 1973; formulas as in E. G. Haug, *The Complete Guide to Option Pricing Formulas*, 2nd ed. 2007, ch. 1
 * and §2.1). With d1 = [ln(S/K) + (r − q + σ²/2)T] / (σ√T), d2 = d1 − σ√T:
 * call = S·e^{−qT}·N(d1) − K·e^{−rT}·N(d2); put = K·e^{−rT}·N(−d2) − S·e^{−qT}·N(−d1).
 * Greeks are with respect to the spot: delta = ∂V/∂S, gamma = ∂²V/∂S², vega = ∂V/∂σ (per 1.00 of vol),
 * theta = ∂V/∂t (per year of calendar time, = −∂V/∂T), rho = ∂V/∂r (per 1.00 of rate), matching Haug's tables
 * and QuantLib's `AnalyticEuropeanEngine`.
 *
 * Degenerate inputs (σ√T = 0, i.e. at expiry or with zero volatility) give the discounted intrinsic value of the
 * forward, max(±(S·e^{−qT} − K·e^{−rT}), 0), and the Greeks of that step: delta = e^{−qT} in the money, 0 out of the
 * money, half at the money; gamma 0; vega 0 (except the σ → 0 limit S·e^{−qT}·√T·n(0) when the forward is at the
 * strike and T > 0); theta and rho those of the deterministic payoff.
 * @throws {RangeError} when spot or strike is not > 0, time or vol is negative, or any input is not finite.
 * @example blackScholesMerton({ spot: 42, strike: 40, timeYears: 0.5, vol: 0.2, rate: 0.1, right: 'call' }).price // 4.7594
 */
export function blackScholesMerton(parameters: BlackScholesMertonParameters): Greeks {
  const { spot: S, strike: K, timeYears: T, vol: sigma, rate: r, right } = parameters
  const q = parameters.dividendYield ?? 0
  requirePositive('spot', S)
  requirePositive('strike', K)
  requireNonNegative('time to expiry in years', T)
  requireNonNegative('volatility', sigma)
  requireFinite('rate', r)
  requireFinite('dividend yield', q)
  requireRight(right)

  const sqrtT = Math.sqrt(T)
  const sigmaSqrtT = sigma * sqrtT
  const dfR = Math.exp(-r * T)
  const dfQ = Math.exp(-q * T)
  const logMoneyness = Math.log(S / K) + (r - q) * T
  const degenerate = !(sigmaSqrtT > 0)
  // Nd1/Nd2 are N(d1), N(d2) for a call; the put uses 1 − N(·) = N(−·) through `sign`.
  let Nd1: number
  let Nd2: number
  let nd1: number
  if (degenerate) {
    const step = logMoneyness > 0 ? 1 : logMoneyness < 0 ? 0 : 0.5
    Nd1 = step
    Nd2 = step
    nd1 = 0
  } else {
    const d1 = (logMoneyness + 0.5 * sigma * sigma * T) / sigmaSqrtT
    const d2 = d1 - sigmaSqrtT
    Nd1 = right === 'call' ? normCdf(d1) : normCdf(-d1)
    Nd2 = right === 'call' ? normCdf(d2) : normCdf(-d2)
    nd1 = normPdf(d1)
  }
  if (degenerate && right === 'put') {
    Nd1 = 1 - Nd1
    Nd2 = 1 - Nd2
  }
  const sign = right === 'call' ? 1 : -1
  const price = Math.max(0, sign * (S * dfQ * Nd1 - K * dfR * Nd2))
  const delta = sign * dfQ * Nd1
  const gamma = degenerate ? 0 : (dfQ * nd1) / (S * sigmaSqrtT)
  const vega = degenerate ? (logMoneyness === 0 && T > 0 ? S * dfQ * sqrtT * normPdf(0) : 0) : S * dfQ * nd1 * sqrtT
  const decay = degenerate ? 0 : -(S * dfQ * nd1 * sigma) / (2 * sqrtT)
  const theta = decay - sign * r * K * dfR * Nd2 + sign * q * S * dfQ * Nd1
  const rho = sign * K * T * dfR * Nd2
  return { price, delta, gamma, vega, theta, rho }
}
