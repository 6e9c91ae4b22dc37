/** How the published diversification credit shrinks as correlations converge. */
export type CreditShrinkage = {
  /** the published cap, fraction 0..1 */
  maxCredit: number
  /** mean |ρ| the published cap was set at (its calm-market level), 0 ≤ ρ_ref < 1; default 0 */
  referenceCorrelation?: number
  /** k > 0: how fast the credit falls as ρ̄ rises above ρ_ref; default 1 */
  exponent?: number
}

/**
 * The diversification cap in force at mean absolute correlation ρ̄:
 * `maxCredit_eff = maxCredit × clamp((1 − ρ̄) / (1 − ρ_ref), 0, 1)^k`: the published cap at or below the reference
 * correlation, falling to 0 as ρ̄ → 1. Rationale: correlations between risky assets rise in sell-offs (Longin &
 * Solnik 2001, "Extreme Correlation of International Equity Markets", J. Finance 56(2)); the Basel FRTB sensitivities
 * method stresses correlations up for that reason (BCBS MAR21.6, "high correlations" scenario ρ × 1.25, capped at 1);
 * and for equal risks the diversified loss of a long book is `sqrt((1 + ρ)/2)` of the undiversified one, so the true
 * credit vanishes at ρ = 1.
 * @throws {RangeError} when maxCredit is outside 0..1, ρ_ref outside [0, 1), k ≤ 0 or ρ̄ outside 0..1
 */
export function effectiveMaxCredit(meanAbsRho: number, shrinkage: CreditShrinkage): number {
  const { maxCredit } = shrinkage
  const ref = shrinkage.referenceCorrelation ?? 0
  const k = shrinkage.exponent ?? 1
  if (!(maxCredit >= 0 && maxCredit <= 1)) throw new RangeError(`maxCredit must be within 0..1, got ${maxCredit}.`)
  if (!(ref >= 0 && ref < 1)) throw new RangeError(`The reference correlation must be within [0, 1), got ${ref}.`)
  if (!(k > 0 && Number.isFinite(k))) throw new RangeError(`The shrinkage exponent must be > 0, got ${k}.`)
  if (!(meanAbsRho >= 0 && meanAbsRho <= 1)) throw new RangeError(`A mean |ρ| must be within 0..1, got ${meanAbsRho}.`)
  const x = Math.min(1, Math.max(0, (1 - meanAbsRho) / (1 - ref)))
  return maxCredit * x ** k
}
