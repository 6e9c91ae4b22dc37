import { VolatilityInputError } from './errors.js'

/** Fewest standardised moves a filtered-historical coverage is read from (ten expected beyond a 99.9% quantile). */
export const MIN_FILTERED_SAMPLE = 10_000

/**
 * The filtered-historical σ multiple of a 99.9% core move, as measured on the reference history: the 99.9% quantile of
 * |4-hour log move| / its EWMA σ forecast (λ = `HOURLY_LAMBDA`, no look-ahead) pooled over the BTC, ETH, SOL, LINK and
 * AVAX USDT perpetuals, hourly, 2020-01..2024-04 (`shared/data/prices/perp_1h`; 175 317 moves): 6.67, rounded up.
 * Per symbol 6.27 (AVAX) to 6.94 (BTC). A normal quantile (3.29) covers a fraction of that: the coverage backtest
 * (`unimargin backtest coverage`) rejects it on every book. Checked against the data by
 * `packages/backtest/src/coverage/filteredCoverageConstant.test.ts`.
 */
export const FILTERED_COVERAGE_999 = 6.7

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
