import { VolatilityInputError } from './errors.js'

/** Fewest standardised moves a filtered-historical coverage is read from (ten expected beyond a 99.9% quantile). */
export const MIN_FILTERED_SAMPLE = 10_000

/**
 * Filtered historical coverage (Barone-Adesi, Giannopoulos & Vosper 1999, "VaR without correlations for portfolios
 * of derivative securities", Journal of Futures Markets 19(5); Hull & White 1998): the `level` quantile of past
 * absolute horizon moves each divided by the σ forecast made at its start, |ln(P_{s+H}/P_s)| / σ_s. Used as the σ
 * multiple of the core move in place of a normal quantile, so the grid carries the fat tails of standardised crypto
 * moves (a normal 3.29 covers a two-sided 99.9%; the data need more). Quantile by the nearest-rank rule, ⌈level·n⌉.
 * @param standardizedMoves |move| / σ of completed horizons (any order; not modified)
 * @param level quantile level in (0, 1), e.g. 0.999
 * @returns the quantile, or null with fewer than {@link MIN_FILTERED_SAMPLE} moves
 * @throws {VolatilityInputError} when level is outside (0, 1) or a move is not finite and ≥ 0
 */
export function filteredCoverage(standardizedMoves: ArrayLike<number>, level: number): number | null {
  if (!(level > 0 && level < 1)) throw new VolatilityInputError('level', `expected a quantile level in (0, 1), got ${level}`)
  const n = standardizedMoves.length
  if (n < MIN_FILTERED_SAMPLE) return null
  const sorted = Float64Array.from(standardizedMoves)
  for (let i = 0; i < n; i++) if (!(sorted[i]! >= 0 && Number.isFinite(sorted[i]!))) throw new VolatilityInputError(`standardizedMoves[${i}]`, `expected a finite value ≥ 0, got ${sorted[i]}`)
  sorted.sort()
  return sorted[Math.ceil(level * n) - 1]!
}
