/** Number of scenarios in a SPAN risk array. */
export const SPAN_SCENARIO_COUNT = 16

/** Share of the extreme-move loss (scenarios 15 and 16) that SPAN counts: the "cover fraction". */
export const SPAN_EXTREME_COVER_FRACTION = 0.35

/**
 * One SPAN scenario: the underlying moves by `priceScanFraction` × price scan range and the volatility by
 * `volScanDirection` × volatility scan range; the loss counts at `weight`.
 */
export type SpanScenario = {
  /** 1..16, as numbered by CME */
  number: number
  /** fraction of the price scan range (±1/3, ±2/3, ±1; ±`extremeMultiple` for 15-16) */
  priceScanFraction: number
  /** +1 vol up, −1 vol down, 0 unchanged (the extreme moves) */
  volScanDirection: 1 | -1 | 0
  /** 1 for scenarios 1-14, the cover fraction (0.35) for 15-16 */
  weight: number
}

/**
 * The 16 SPAN scenarios in CME order (CME Group, *SPAN Methodology Overview*; L. McMillan, *Options as a Strategic
 * Investment*, ch. 34): 1-2 price unchanged with vol up/down; 3-14 price ±1/3, ±2/3, ±3/3 of the scan range, each
 * with vol up then down (up before down, +before −); 15-16 an extreme move of ±`extremeMultiple` × the price scan
 * range with vol unchanged, counted at 35%. McMillan's example (and CME's original definition) uses twice the range;
 * CME now uses three times for many products.
 * @param extremeMultiple extreme move as a multiple of the price scan range, > 0 (default 2)
 * @throws {RangeError} when `extremeMultiple` is not a finite number > 0
 */
export function spanScenarios(extremeMultiple = 2): SpanScenario[] {
  if (!Number.isFinite(extremeMultiple) || extremeMultiple <= 0) {
    throw new RangeError(`The extreme-move multiple (${extremeMultiple}) must be a finite number > 0.`)
  }
  const scenarios: SpanScenario[] = []
  const moves = [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1]
  for (const priceScanFraction of moves) {
    for (const volScanDirection of [1, -1] as const) {
      scenarios.push({ number: scenarios.length + 1, priceScanFraction, volScanDirection, weight: 1 })
    }
  }
  scenarios.push({ number: 15, priceScanFraction: extremeMultiple, volScanDirection: 0, weight: SPAN_EXTREME_COVER_FRACTION })
  scenarios.push({ number: 16, priceScanFraction: -extremeMultiple, volScanDirection: 0, weight: SPAN_EXTREME_COVER_FRACTION })
  return scenarios
}
