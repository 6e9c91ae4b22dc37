import { annualise } from './black76.js'
import { DeriveMathError, UNIT, absBig, decPow, divDec, exp, maxBig, minBig, mulDec } from './fixedPoint.js'
import { shockedExpiryValue } from './expiryValue.js'
import { type DeriveExpiryHoldings, type DerivePortfolio, confidenceContingency } from './portfolio.js'
import type { DeriveParameters } from '../../types.js'

const THIRTY_DAYS = 2_592_000n

/**
 * Fills the values every scenario reuses (`PMRMLib_2.addPrecomputes`): each expiry's MTM, basis-scenario MTMs, vol
 * shock multipliers and static discounts; the perp, option, collateral and confidence contingencies; total MTM.
 * Mutates and returns `portfolio`.
 */
export function addDerivePrecomputes(portfolio: DerivePortfolio, params: DeriveParameters): DerivePortfolio {
  const c = portfolio.contingencies
  const other = params.other
  portfolio.totalMtm += portfolio.perpValue
  const perpNotional = mulDec(absBig(portfolio.perpPosition), portfolio.spotPrice)
  c.mmPerp = mulDec(perpNotional, other.mmPerpPercent)
  c.imPerp = mulDec(perpNotional, other.imPerpPercent)
  c.imConfidence += confidenceContingency(portfolio.minConfidence, perpNotional, other)
  for (const e of portfolio.expiries) {
    e.minConfidence = minBig(portfolio.minConfidence, e.minConfidence)
    e.mtm = shockedExpiryValue(e, UNIT, 'none', params.volShock.minVolUpShock)
    portfolio.totalMtm += e.mtm
    c.basis += basisContingency(e, params)
    addVolShocks(e, params.volShock)
    addStaticDiscount(e, params.margin)
    const nakedShorts = mulDec(nakedShortAmount(e), portfolio.spotPrice)
    c.mmOption += mulDec(nakedShorts, other.mmOptionPercent)
    c.imOption += mulDec(nakedShorts, other.imOptionPercent)
    c.imConfidence += confidenceContingency(e.minConfidence, mulDec(e.netOptions, portfolio.spotPrice), other)
  }
  for (const col of portfolio.collaterals) {
    portfolio.totalMtm += col.value
    c.mmCollateral += mulDec(col.value, col.mmHaircut)
    c.imCollateral += mulDec(col.value, col.imHaircut)
    c.imConfidence += confidenceContingency(col.minConfidence, col.value, other)
  }
  c.mm = c.mmPerp + c.mmOption + c.mmCollateral
  c.im = c.imPerp + c.imOption + c.imCollateral + c.imConfidence
  return portfolio
}

/**
 * Basis (forward) contingency of an expiry: min(0, MTM(spot up) − MTM, MTM(spot down) − MTM) · (add + mult · τ), no
 * vol shock and no static discount. Also stores the two basis MTMs on the expiry.
 */
function basisContingency(e: DeriveExpiryHoldings, params: DeriveParameters): bigint {
  const { basis } = params
  e.basisUpMtm = shockedExpiryValue(e, basis.scenarioSpotUp, 'none', params.volShock.minVolUpShock)
  e.basisDownMtm = shockedExpiryValue(e, basis.scenarioSpotDown, 'none', params.volShock.minVolUpShock)
  const worst = minBig(minBig(e.basisUpMtm - e.mtm, e.basisDownMtm - e.mtm), 0n)
  return mulDec(worst, basis.addFactor + mulDec(basis.multFactor, annualise(e.secToExpiry)))
}

/**
 * Vol shock multipliers: s = (30 days / max(T, dteFloor))^power, power = short-term one for T ≤ 30 days;
 * up = 1 + volRangeUp · s, down = max(0, 1 − volRangeDown · s).
 */
function addVolShocks(e: DeriveExpiryHoldings, p: DeriveParameters['volShock']): void {
  const floor = maxBig(e.secToExpiry, p.dteFloorSec)
  if (floor === 0n) throw new DeriveMathError('Expiry and DTE floor are both zero (division by zero).')
  const tau = (THIRTY_DAYS * UNIT) / floor
  const s = decPow(tau, e.secToExpiry <= THIRTY_DAYS ? p.shortTermPower : p.longTermPower)
  e.volShockUp = UNIT + mulDec(p.volRangeUp, s)
  const down = UNIT - mulDec(p.volRangeDown, s)
  e.volShockDown = down > 0n ? down : 0n
}

/**
 * Static discounts on shocked expiry values: positive values × longBase · e^(−τ·(rate · longMult + longAdd)),
 * negative values × min(1 / discount, shortBase / e^(−τ·(rate · shortMult + shortAdd))).
 */
function addStaticDiscount(e: DeriveExpiryHoldings, m: DeriveParameters['margin']): void {
  const tau = annualise(e.secToExpiry)
  const rfrPos = mulDec(e.rate, m.longRateMultScale) + m.longRateAddScale
  e.staticDiscountPos = mulDec(m.longBaseStaticDiscount, exp(-mulDec(tau, rfrPos)))
  const rfrNeg = mulDec(e.rate, m.shortRateMultScale) + m.shortRateAddScale
  const neg = divDec(m.shortBaseStaticDiscount, exp(-mulDec(tau, rfrNeg)))
  e.staticDiscountNeg = minBig(divDec(UNIT, e.discount), neg)
}

/**
 * Contracts short and not offset by a long at the same strike (call against put at one strike), summed over the
 * expiry (`_addOptionContingency`).
 */
export function nakedShortAmount(e: DeriveExpiryHoldings): bigint {
  const seen = new Array<boolean>(e.options.length).fill(false)
  let naked = 0n
  e.options.forEach((o, i) => {
    if (seen[i]) return
    let found = false
    for (let j = i + 1; j < e.options.length; j++) {
      const o2 = e.options[j]!
      if (o.strike !== o2.strike) continue
      seen[j] = true
      if (o.amount * o2.amount < 0n) {
        naked +=
          o.amount < 0n ? -o.amount - minBig(-o.amount, o2.amount) : absBig(o2.amount) - minBig(o.amount, -o2.amount)
      } else if (o.amount < 0n) {
        naked += absBig(o.amount) + absBig(o2.amount)
      }
      found = true
    }
    if (!found && o.amount < 0n) naked += -o.amount
  })
  return naked
}
