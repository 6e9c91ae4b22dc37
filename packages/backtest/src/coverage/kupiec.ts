import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf'

/** A likelihood-ratio test result: the statistic, its χ² degrees of freedom and the p-value. */
export type LikelihoodRatioTest = {
  /** the LR statistic, ≥ 0 */
  lr: number
  dof: number
  /** P(χ²(dof) ≥ lr): small = reject */
  pValue: number
}

/** x·ln(y) with 0·ln 0 = 0 (the convention of both tests' likelihoods). */
export const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y))

/** The p-value of a χ² statistic (stdlib's χ² CDF). */
export const chiSquarePValue = (lr: number, dof: number) => Math.max(0, 1 - chisquareCdf(Math.max(0, lr), dof))

/**
 * Kupiec's proportion-of-failures test (Kupiec 1995, "Techniques for verifying the accuracy of risk measurement
 * models", Journal of Derivatives 3(2)): with x exceedances in n observations at expected rate p,
 * LR_POF = −2·ln[(1 − p)^(n−x)·p^x] + 2·ln[(1 − x/n)^(n−x)·(x/n)^x] ~ χ²(1). It rejects too many and too few.
 * @param n observations, > 0
 * @param x exceedances, 0..n
 * @param p the model's exceedance probability, in (0, 1)
 * @throws RangeError when n, x or p are out of range
 * @example kupiecPof(1000, 17, 0.01).pValue < 0.05 // true: Jorion's 95% region for T = 1000 at 99% is 4 < N < 17
 */
export function kupiecPof(n: number, x: number, p: number): LikelihoodRatioTest {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(x) && x >= 0 && x <= n)) throw new RangeError(`Kupiec needs integers 0 ≤ x ≤ n, n > 0; got x = ${x}, n = ${n}`)
  if (!(p > 0 && p < 1)) throw new RangeError(`Kupiec needs p in (0, 1), got ${p}`)
  const rate = x / n
  const lr = -2 * (xlogy(n - x, 1 - p) + xlogy(x, p)) + 2 * (xlogy(n - x, 1 - rate) + xlogy(x, rate))
  return { lr: Math.max(0, lr), dof: 1, pValue: chiSquarePValue(lr, 1) }
}
