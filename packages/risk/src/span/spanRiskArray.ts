import { spanScenarios } from './scenarios.js'

export type SpanRiskArrayParameters = {
  /**
   * Profit (+) or loss (−) of one contract, in currency, when the underlying price moves by `priceMove` (price units)
   * and the volatility by `volMove` (annualised fraction), e.g. a Black-76 revaluation minus today's value.
   */
  revalue: (priceMove: number, volMove: number) => number
  /** price scan range, price units, > 0 */
  priceScanRange: number
  /** volatility scan range, annualised fraction, ≥ 0 */
  volScanRange: number
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
  if (!Number.isFinite(priceScanRange) || priceScanRange <= 0) throw new RangeError(`The price scan range (${priceScanRange}) must be a finite number > 0.`)
  if (!Number.isFinite(volScanRange) || volScanRange < 0) throw new RangeError(`The volatility scan range (${volScanRange}) must be a finite number ≥ 0.`)
  return spanScenarios(parameters.extremeMultiple ?? 2).map((s) => {
    const pnl = revalue(s.priceScanFraction * priceScanRange, s.volScanDirection * volScanRange)
    if (!Number.isFinite(pnl)) throw new RangeError(`The revaluation in scenario ${s.number} (${pnl}) is not a finite number.`)
    return -pnl * s.weight + 0
  })
}
