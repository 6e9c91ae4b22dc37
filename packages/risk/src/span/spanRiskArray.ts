import { spanScenarios } from './scenarios.js'

export type SpanRiskArrayParameters = {
  /**
   * Profit (+) or loss (−) of one contract, in currency, when the underlying price moves by `priceMove` (price units)
   * and the volatility by `volMove` (annualised fraction), e.g. a Black-76 revaluation minus today's value.
   */
  revalue: (priceMove: number, volMove: number) => number
  /** price scan range, price units, > 0 */
  priceScanRange: number
  /** volatility scan range (vol-up scenarios), in the units `revalue` reads its vol move in, ≥ 0 */
  volScanRange: number
  /** volatility scan range of the vol-down scenarios, ≥ 0; defaults to `volScanRange` (SPAN's one symmetric range) */
  volScanRangeDown?: number
  /** extreme move as a multiple of the price scan range (default 2, as in McMillan's example) */
  extremeMultiple?: number
}

/**
 * Builds one contract's SPAN risk array in the CME convention: 16 values, **loss positive**, scenarios 15-16 already
 * multiplied by the 35% cover fraction (as CME publishes them). Scenario i is `spanScenarios()[i]`.
 * @returns 16 losses in currency (negative = gain)
 * @throws {RangeError} when a scan range is invalid or `revalue` returns a non-finite number
 * @example spanRiskArray({ revalue: (dp) => 250 * dp, priceScanRange: 40, volScanRange: 0 }) // long 1 S&P future
 */
export function spanRiskArray(parameters: SpanRiskArrayParameters): number[] {
  const { revalue, priceScanRange, volScanRange } = parameters
  const volScanRangeDown = parameters.volScanRangeDown ?? volScanRange
  if (!Number.isFinite(priceScanRange) || priceScanRange <= 0) throw new RangeError(`The price scan range (${priceScanRange}) must be a finite number > 0.`)
  for (const v of [volScanRange, volScanRangeDown]) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`The volatility scan range (${v}) must be a finite number ≥ 0.`)
  }
  return spanScenarios(parameters.extremeMultiple ?? 2).map((s) => {
    const volMove = s.volScanDirection > 0 ? volScanRange : s.volScanDirection < 0 ? -volScanRangeDown : 0
    const pnl = revalue(s.priceScanFraction * priceScanRange, volMove)
    if (!Number.isFinite(pnl)) throw new RangeError(`The revaluation in scenario ${s.number} (${pnl}) is not a finite number.`)
    return -pnl * s.weight + 0
  })
}
