import { underlyingWorstLosses, type UnderlyingHolding } from './underlyingWorstLosses.js'

/** What the diversification cap did to one account. */
export type DiversificationFloor = {
  /** largest single-underlying worst loss L_max, USD */
  largestUsd: number
  /** index of that underlying, −1 without holdings */
  underlyingIndex: number
  /** (1 − maxCredit) · L_max, USD: the joint worst loss may not fall below it */
  floorUsd: number
  /** max(joint worst loss, floorUsd), USD */
  worstLossUsd: number
  /** the floor raised the worst loss */
  binding: boolean
}

/**
 * Caps diversification credit across underlyings: credit stays what the joint scenarios give (hedges and
 * decorrelation in the same grid), but the worst loss charged is at least `(1 − maxCredit) · max_u L_u`, where
 * L_u is the worst loss of underlying u's holdings with the others held flat (`underlyingWorstLosses`). The form of
 * SPAN's inter-commodity spread credit, a published rate at most 100% (CME SPAN: "Inter-Commodity Spread Credits"),
 * and of Eurex Prisma's correlation-break limit on diversification.
 * @param jointWorstLossUsd max(0, −min_s pnl[s]) of the whole account, USD
 * @param maxCredit published fraction in 0..1 (0 = no credit below the largest single underlying, 1 = no cap)
 * @throws {RangeError} when maxCredit is outside 0..1
 */
export function diversificationFloor(
  jointWorstLossUsd: number,
  holdings: readonly UnderlyingHolding[],
  underlyingCount: number,
  scenarioCount: number,
  maxCredit: number,
): DiversificationFloor {
  if (!(maxCredit >= 0 && maxCredit <= 1)) throw new RangeError(`maxCredit must be within 0..1, got ${maxCredit}.`)
  const losses = underlyingWorstLosses(holdings, underlyingCount, scenarioCount)
  let largestUsd = 0
  let underlyingIndex = -1
  for (let u = 0; u < losses.length; u++) {
    if (losses[u]! > largestUsd) {
      largestUsd = losses[u]!
      underlyingIndex = u
    }
  }
  const floorUsd = (1 - maxCredit) * largestUsd
  const binding = floorUsd > jointWorstLossUsd
  return { largestUsd, underlyingIndex, floorUsd, worstLossUsd: binding ? floorUsd : jointWorstLossUsd, binding }
}
