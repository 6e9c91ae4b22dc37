import { UNIT, mulDec } from './fixedPoint.js'
import { shockedExpiryValue, skewedExpiryValue } from './expiryValue.js'
import type { DerivePortfolio } from './portfolio.js'
import type { DeriveParameters, DeriveScenarioShock } from '../../types.js'

/**
 * P&L of the portfolio in one scenario, relative to its MTM (`PMRMLib_2.getScenarioPnL`), 1e18 stable; negative is a
 * loss. Sum of:
 * - perp: position · (spotShock − 1) · perpPrice · dampening;
 * - each expiry: (shocked value × static discount − MTM) · dampening, where the static discount is the positive or
 *   negative one by the sign of the shocked value; in skew scenarios each expiry counts as −|P&L| (the worse of the
 *   rotation and its mirror);
 * - each risk-cancelling collateral: value · (spotShock − 1) · dampening.
 */
export function deriveScenarioPnl(
  portfolio: DerivePortfolio,
  scenario: DeriveScenarioShock,
  params: DeriveParameters,
): bigint {
  const { spotShock, volShock, dampening } = scenario
  let pnl = 0n
  if (portfolio.perpPosition !== 0n) {
    pnl += mulDec(mulDec(portfolio.perpPosition, mulDec(spotShock - UNIT, portfolio.perpPrice)), dampening)
  }
  const skew = volShock === 'linear' || volShock === 'abs'
  for (const e of portfolio.expiries) {
    let shocked: bigint
    if (volShock === 'none' && spotShock === UNIT) shocked = e.mtm
    else if (volShock === 'none' && spotShock === params.basis.scenarioSpotUp) shocked = e.basisUpMtm
    else if (volShock === 'none' && spotShock === params.basis.scenarioSpotDown) shocked = e.basisDownMtm
    else if (skew) shocked = skewedExpiryValue(e, volShock, params.skew)
    else shocked = shockedExpiryValue(e, spotShock, volShock, params.volShock.minVolUpShock)
    shocked = mulDec(shocked, shocked >= 0n ? e.staticDiscountPos : e.staticDiscountNeg)
    const expiryPnl = mulDec(shocked - e.mtm, dampening)
    pnl += skew && expiryPnl > 0n ? -expiryPnl : expiryPnl
  }
  for (const c of portfolio.collaterals) {
    if (!c.isRiskCancelling) continue
    pnl += mulDec(mulDec(c.value, spotShock - UNIT), dampening)
  }
  return pnl
}
