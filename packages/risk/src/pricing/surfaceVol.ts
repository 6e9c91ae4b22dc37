import { requireFinite, requireNonNegative, requirePositive } from './validate.js'

/** At-the-money implied volatility term structure of one underlying, with a log-moneyness skew. */
export type VolSurface = {
  underlying: string
  /** ATM vol (annualised fraction) at each expiry (years, > 0); any order, distinct times */
  expiries: { timeYears: number; atmVol: number }[]
  /** vol change per unit of ln(K/F) (negative = puts richer), annualised fraction */
  skew: number
}

/** Smallest volatility `surfaceVol` returns, so a steep skew never yields a zero or negative vol. */
export const MIN_SURFACE_VOL = 1e-4

/**
 * Implied volatility for a strike and expiry read from a `VolSurface`:
 * σ_ATM(T) interpolated linearly in total variance w = σ²T between the bracketing expiries
 * (w(T) = w_i + (w_{i+1} − w_i)(T − T_i)/(T_{i+1} − T_i), σ = √(w/T)), flat in σ outside the quoted range, then
 * σ = σ_ATM(T) + skew·ln(K/F), floored at `MIN_SURFACE_VOL` (1e-4). Interpolating total variance rather than vol is
 * the usual arbitrage-aware convention (Gatheral, *The Volatility Surface*, 2006, ch. 1).
 * @param surface the underlying's ATM term structure and skew
 * @param point forward (> 0), strike (> 0), time to expiry in years (≥ 0)
 * @returns annualised volatility as a fraction
 * @throws {RangeError} when the surface has no expiries, a non-positive or duplicated expiry time, a negative or
 *   non-finite vol or skew, or when forward/strike/time are invalid.
 */
export function surfaceVol(surface: VolSurface, point: { forward: number; strike: number; timeYears: number }): number {
  const { forward, strike, timeYears } = point
  requirePositive('forward', forward)
  requirePositive('strike', strike)
  requireNonNegative('time to expiry in years', timeYears)
  requireFinite(`skew of ${surface.underlying}`, surface.skew)
  if (surface.expiries.length === 0) throw new RangeError(`The vol surface of ${surface.underlying} has no expiries (0).`)
  const nodes = [...surface.expiries].sort((a, b) => a.timeYears - b.timeYears)
  for (const [i, node] of nodes.entries()) {
    requirePositive(`expiry time of ${surface.underlying}`, node.timeYears)
    requireNonNegative(`ATM vol of ${surface.underlying}`, node.atmVol)
    if (i > 0 && node.timeYears === nodes[i - 1]!.timeYears) {
      throw new RangeError(`The vol surface of ${surface.underlying} lists the expiry ${node.timeYears} twice.`)
    }
  }
  const atm = atmVolAt(nodes, timeYears)
  return Math.max(MIN_SURFACE_VOL, atm + surface.skew * Math.log(strike / forward))
}

function atmVolAt(nodes: readonly { timeYears: number; atmVol: number }[], t: number): number {
  const first = nodes[0]!
  const last = nodes[nodes.length - 1]!
  if (t <= first.timeYears) return first.atmVol
  if (t >= last.timeYears) return last.atmVol
  let i = 0
  while (nodes[i + 1]!.timeYears < t) i++
  const a = nodes[i]!
  const b = nodes[i + 1]!
  const wa = a.atmVol * a.atmVol * a.timeYears
  const wb = b.atmVol * b.atmVol * b.timeYears
  const w = wa + ((wb - wa) * (t - a.timeYears)) / (b.timeYears - a.timeYears)
  return Math.sqrt(w / t)
}
