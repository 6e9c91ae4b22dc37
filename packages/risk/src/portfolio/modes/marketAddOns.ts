import { concentrationAddOnUsd } from '../../calibration/concentration/concentrationAddOn.js'
import { type DiversificationFloor, diversificationFloor } from '../../calibration/correlation/diversificationFloor.js'
import type { UnderlyingHolding } from '../../calibration/correlation/underlyingWorstLosses.js'
import type { ScenarioSet } from '../../scenarios/index.js'
import type { PortfolioParams } from '../types.js'

/** A scenario holding with what the add-ons read: its underlying and its delta exposure per unit, USD. */
export type AddOnHolding = UnderlyingHolding & { deltaUsdPerUnit: number }

/** The diversification cap and the concentration add-on of one account (portfolio mode). */
export type MarketAddOns = {
  /** worst loss after the cap, USD (the joint worst loss when the cap is off or not binding) */
  worstLossUsd: number
  /** null when `params.diversification` is missing */
  diversification: DiversificationFloor | null
  /** square-root-law liquidity add-on, USD (0 when `params.concentration` is missing) */
  concentrationUsd: number
}

/**
 * Applies `params.diversification` (`diversificationFloor`) and `params.concentration` (`concentrationAddOnUsd` on
 * the net delta per underlying, Σ qty·deltaUsdPerUnit in holding order) to one account. The per-account and the
 * batch engines both call it with the same holdings in the same order, so they agree bit for bit.
 * @param jointWorstLossUsd max(0, −min_s pnl[s]) over the whole account, USD
 * @param holdings netted positions then risk-cancelling collateral, in `portfolioLoss` order
 */
export function marketAddOns(jointWorstLossUsd: number, holdings: readonly AddOnHolding[], set: ScenarioSet, params: PortfolioParams): MarketAddOns {
  const U = set.underlyings.length
  const S = set.names.length
  const diversification = params.diversification ? diversificationFloor(jointWorstLossUsd, holdings, U, S, params.diversification.maxCredit) : null
  let concentrationUsd = 0
  if (params.concentration) {
    const net = new Float64Array(U)
    for (const h of holdings) net[h.underlyingIndex] = net[h.underlyingIndex]! + h.qty * h.deltaUsdPerUnit
    const sigma = (u: number) => set.params[u]!.maxMove / set.grid.sigmaCoverage
    concentrationUsd = concentrationAddOnUsd(net, set.underlyings, sigma, params.concentration)
  }
  return { worstLossUsd: diversification ? diversification.worstLossUsd : jointWorstLossUsd, diversification, concentrationUsd }
}
