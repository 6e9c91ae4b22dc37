import { chiSquarePValue, type LikelihoodRatioTest, xlogy } from './kupiec.js'

/** Christoffersen's independence test with its transition counts. */
export type IndependenceTest = LikelihoodRatioTest & {
  /** n_ij: observations in state j after state i (1 = exceedance) */
  n00: number
  n01: number
  n10: number
  n11: number
}

/**
 * Christoffersen's independence test (Christoffersen 1998, "Evaluating interval forecasts", International Economic
 * Review 39(4)): exceedances as a first-order Markov chain against independence,
 * LR_ind = −2·ln[(1 − π)^(n00+n10)·π^(n01+n11)] + 2·ln[(1 − π0)^n00·π0^n01·(1 − π1)^n10·π1^n11] ~ χ²(1), with
 * π0 = n01/(n00 + n01), π1 = n11/(n10 + n11), π = (n01 + n11)/(n00 + n01 + n10 + n11). Observations must not overlap.
 * @param hits exceedance indicators in time order
 * @returns the statistic, p-value and transition counts (LR 0 when there are fewer than two observations)
 */
export function christoffersenIndependence(hits: readonly boolean[]): IndependenceTest {
  const n = { n00: 0, n01: 0, n10: 0, n11: 0 }
  for (let i = 1; i < hits.length; i++) {
    if (hits[i - 1]) hits[i] ? n.n11++ : n.n10++
    else hits[i] ? n.n01++ : n.n00++
  }
  return christoffersenFromCounts(n)
}

/** Transition counts of an exceedance sequence (see {@link christoffersenIndependence}). */
export type TransitionCounts = Pick<IndependenceTest, 'n00' | 'n01' | 'n10' | 'n11'>

/**
 * Christoffersen's LR_ind from transition counts, e.g. summed over several sequences that must not be joined.
 * @returns the statistic, χ²(1) p-value and the counts (LR 0 without transitions)
 */
export function christoffersenFromCounts(counts: TransitionCounts): IndependenceTest {
  const { n00, n01, n10, n11 } = counts
  const pi0 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0
  const pi1 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0
  const total = n00 + n01 + n10 + n11
  const pi = total > 0 ? (n01 + n11) / total : 0
  const restricted = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
  const unrestricted = xlogy(n00, 1 - pi0) + xlogy(n01, pi0) + xlogy(n10, 1 - pi1) + xlogy(n11, pi1)
  const lr = Math.max(0, -2 * (restricted - unrestricted))
  return { lr, dof: 1, pValue: chiSquarePValue(lr, 1), n00, n01, n10, n11 }
}
