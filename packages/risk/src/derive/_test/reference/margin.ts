/**
 * The fixed-point PMRM_2 margin as it was before the bigint work was optimised (commit 3781651): this folder is a
 * verbatim copy of `fixedPoint.ts`, `black76.ts`, `svi.ts`, `portfolio.ts`, `precompute.ts`, `expiryValue.ts` and
 * `scenarioPnl.ts` of that commit, kept so that tests can pin the optimised path to the same integers. Every scenario
 * is computed exactly (the `exactScenarios: 'all'` setting). Not for production use.
 */
import type { DeriveContingencies } from '../../portfolio.js'
import type { DeriveParameters, DeriveScenario } from '../../types.js'
import { assertDeriveAccepts } from '../../validate.js'
import { mulDec } from './fixedPoint.js'
import { arrangeDerivePortfolio } from './portfolio.js'
import { addDerivePrecomputes } from './precompute.js'
import { deriveScenarioPnl } from './scenarioPnl.js'

/** MM, IM, every scenario P&L, the worst one, MTM, contingencies and per-expiry precomputes, 1e18. */
export type ReferenceMargin = {
  mm: bigint
  im: bigint
  mtm: bigint
  pnls: bigint[]
  worst: { index: number; pnl: bigint }
  contingencies: DeriveContingencies
  expiries: bigint[][]
}

/** The reference all-exact margin of one account. @throws as `deriveMargin` does */
export function referenceDeriveMargin(scenario: DeriveScenario, parameters: DeriveParameters): ReferenceMargin {
  assertDeriveAccepts(scenario, parameters)
  const portfolio = addDerivePrecomputes(arrangeDerivePortfolio(scenario), parameters)
  const c = portfolio.contingencies
  let worst = { index: parameters.scenarios.length, pnl: c.basis }
  const pnls = parameters.scenarios.map((s, index) => {
    const pnl = deriveScenarioPnl(portfolio, s, parameters)
    if (pnl < worst.pnl) worst = { index, pnl }
    return pnl
  })
  const { other, margin } = parameters
  let imFactor = margin.imFactor
  if (portfolio.stablePrice < other.pegLossThreshold)
    imFactor += mulDec(other.pegLossThreshold - portfolio.stablePrice, other.pegLossFactor)
  const mtm = portfolio.totalMtm + portfolio.cash
  return {
    mm: mulDec(worst.pnl, margin.mmFactor) - c.mm + mtm,
    im: mulDec(worst.pnl, imFactor) - c.im - c.mm + mtm,
    mtm,
    pnls,
    worst,
    contingencies: c,
    expiries: portfolio.expiries.map((e) => [
      e.mtm,
      e.volShockUp,
      e.volShockDown,
      e.staticDiscountPos,
      e.staticDiscountNeg,
    ]),
  }
}
