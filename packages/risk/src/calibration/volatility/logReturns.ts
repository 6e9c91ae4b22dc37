import { VolatilityInputError } from './errors.js'

/** One oracle price: when it was observed and the price (any currency unit; only ratios are used). */
export type PricePoint = {
  /** observation time, unix ms */
  tMs: number
  /** price, > 0 */
  price: number
}

/** Log returns of a price series, each with the time it spans. */
export type LogReturns = {
  /** ln(p_i / p_{i−1}) for i = 1..n−1 */
  returns: Float64Array
  /** seconds between the two prices of each return, > 0 */
  dtSeconds: Float64Array
}

/**
 * Log returns of an irregularly timed price series (e.g. the oracle prices the hub ingests).
 * @param points prices in strictly increasing time order
 * @returns n − 1 returns and the seconds each spans
 * @throws {VolatilityInputError} when a price is not finite and > 0, or a timestamp does not increase
 * @example logReturns([{ tMs: 0, price: 100 }, { tMs: 3_600_000, price: 101 }]) // returns [ln 1.01], dtSeconds [3600]
 */
export function logReturns(points: readonly PricePoint[]): LogReturns {
  const n = Math.max(0, points.length - 1)
  const returns = new Float64Array(n)
  const dtSeconds = new Float64Array(n)
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!
    if (!(Number.isFinite(p.price) && p.price > 0)) throw new VolatilityInputError(`points[${i}].price`, `expected a finite price > 0, got ${p.price}`)
    if (i === 0) continue
    const prev = points[i - 1]!
    if (!(p.tMs > prev.tMs)) throw new VolatilityInputError(`points[${i}].tMs`, `expected a time after ${prev.tMs}, got ${p.tMs}`)
    returns[i - 1] = Math.log(p.price / prev.price)
    dtSeconds[i - 1] = (p.tMs - prev.tMs) / 1000
  }
  return { returns, dtSeconds }
}

/**
 * Returns rescaled to one step of `stepSeconds` under a random walk: x = r·sqrt(step / dt), so a return spanning two
 * steps counts as one step of the same variance rate. Used to feed GARCH, which needs equally spaced observations.
 * @param r log returns with their spans
 * @param stepSeconds the step, seconds (3600 for hourly)
 */
export function perStepReturns(r: LogReturns, stepSeconds: number): Float64Array {
  const out = new Float64Array(r.returns.length)
  for (let i = 0; i < out.length; i++) out[i] = r.returns[i]! * Math.sqrt(stepSeconds / r.dtSeconds[i]!)
  return out
}
