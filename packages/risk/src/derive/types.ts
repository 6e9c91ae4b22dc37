import type { DeriveSviParams } from './svi.js'

/**
 * Inputs and parameters of Derive's PMRM_2 portfolio margin, as read from a Derive-format case file. Every amount is
 * 1e18 fixed point (bigint): prices and values in the quote stable (USDC), fractions as 1e18 = 100 %. Times are
 * whole seconds. Names follow the case files (`Scenario`, `Parameters`) and Derive's `IPMRMLib_2` structs.
 */

/** One collateral balance (`Scenario.Collaterals[i]`). */
export type DeriveCollateral = {
  name: string
  /** units of the asset, 1e18 */
  amount: bigint
  /** price in USD, 1e18 (converted to stable by the stable price) */
  price: bigint
  /** oracle confidence, 1e18 = fully confident */
  confidence: bigint
  /** revalued with the spot in every scenario (base-like collateral) */
  isRiskCancelling: boolean
  /** IM haircut, fraction of value, 1e18 */
  imHaircut: bigint
  /** MM haircut, fraction of value, 1e18 */
  mmHaircut: bigint
}

/** One option balance (`Scenario.Options[i]`). */
export type DeriveOption = {
  /** seconds from now to expiry (the case's `Expiry`) */
  secToExpiry: bigint
  /** strike, 1e18 (Derive encodes strikes to 1e-8) */
  strike: bigint
  isCall: boolean
  /** signed contracts, 1e18 (negative = short) */
  amount: bigint
}

/** Market data of one expiry (`Scenario.OptionFeeds[i]`). */
export type DeriveExpiryFeed = {
  /** seconds from now to expiry (`FeedExpiry`) */
  secToExpiry: bigint
  /** forward price, 1e18 */
  forward: bigint
  forwardConfidence: bigint
  /** continuously compounded annual rate, 1e18 (floored at 0 by the manager) */
  rate: bigint
  rateConfidence: bigint
  /** SVI surface of the expiry (`SVIparam`: a, b, rho, m, sigma, forward, tau) */
  svi: DeriveSviParams
  /** vol feed confidence (`OptionVolConfidences`) */
  volConfidence: bigint
}

/** The account and market (`Scenario`). */
export type DeriveScenario = {
  /** cash balance, 1e18 USDC */
  cash: bigint
  collaterals: DeriveCollateral[]
  /** spot of the underlying, 1e18 */
  spotPrice: bigint
  spotConfidence: bigint
  /** perp position, 1e18 contracts (`NumPerps`) */
  perpPosition: bigint
  perpPrice: bigint
  perpConfidence: bigint
  /** unrealized perp P&L, 1e18 USDC */
  unrealizedPerpPnl: bigint
  /** unrealized funding, 1e18 USDC */
  unrealizedFunding: bigint
  /** price of the quote stable in USD, 1e18 */
  stablePrice: bigint
  stableConfidence: bigint
  options: DeriveOption[]
  feeds: DeriveExpiryFeed[]
}

/** Vol move of a scenario: parallel up/down/none, or a skew rotation (linear or absolute in log-moneyness). */
export type DeriveVolShock = 'up' | 'down' | 'none' | 'linear' | 'abs'

/** One margin scenario (`Parameters.Scenarios[i]`). */
export type DeriveScenarioShock = {
  /** spot multiplier, 1e18 (1.1e18 = +10 %) */
  spotShock: bigint
  volShock: DeriveVolShock
  /** multiplier on the scenario P&L, 1e18 (tail scenarios are dampened) */
  dampening: bigint
}

/** `IPMRMLib_2.VolShockParameters` (`Parameters.VolShock`). */
export type DeriveVolShockParams = {
  volRangeUp: bigint
  volRangeDown: bigint
  shortTermPower: bigint
  longTermPower: bigint
  /** floor on days to expiry in the vol-shock term structure, seconds (`DTE_FLOOR` days × 86 400) */
  dteFloorSec: bigint
  /** vol floor in the up-shock scenarios (`MIN_VOL_EVAL_SHOCKED`) */
  minVolUpShock: bigint
}

/** `IPMRMLib_2.MarginParameters` (`Parameters.Margin`). */
export type DeriveMarginParams = {
  imFactor: bigint
  mmFactor: bigint
  shortRateMultScale: bigint
  longRateMultScale: bigint
  shortRateAddScale: bigint
  longRateAddScale: bigint
  /** static discount applied to negative expiry values (`BASE_STATIC_DISCOUNT_NEG`) */
  shortBaseStaticDiscount: bigint
  /** static discount applied to positive expiry values (`BASE_STATIC_DISCOUNT`) */
  longBaseStaticDiscount: bigint
}

/** `IPMRMLib_2.BasisContingencyParameters` (`Parameters.BasisContingency`). */
export type DeriveBasisParams = {
  scenarioSpotUp: bigint
  scenarioSpotDown: bigint
  addFactor: bigint
  multFactor: bigint
}

/** `IPMRMLib_2.OtherContingencyParameters` (`Parameters.OtherContingency`). */
export type DeriveOtherContingencyParams = {
  pegLossThreshold: bigint
  pegLossFactor: bigint
  confThreshold: bigint
  confMargin: bigint
  mmPerpPercent: bigint
  imPerpPercent: bigint
  mmOptionPercent: bigint
  imOptionPercent: bigint
}

/** `IPMRMLib_2.SkewShockParameters` (`Parameters.SkewShock`). */
export type DeriveSkewShockParams = {
  linearBaseCap: bigint
  absBaseCap: bigint
  linearCBase: bigint
  absCBase: bigint
  minKStar: bigint
  widthScale: bigint
  volParamStatic: bigint
  volParamScale: bigint
}

/** Everything the risk manager is configured with (`Parameters`). */
export type DeriveParameters = {
  scenarios: DeriveScenarioShock[]
  volShock: DeriveVolShockParams
  margin: DeriveMarginParams
  basis: DeriveBasisParams
  other: DeriveOtherContingencyParams
  skew: DeriveSkewShockParams
}

/** Derive's reference figures of a case (`Result`), 1e18; losses in the order regular, tail, skew. */
export type DeriveExpected = {
  mm: bigint
  im: bigint
  collateralMtm: bigint
  optionMtm: bigint
  regLosses: bigint[]
  tailLosses: bigint[]
  skewLosses: bigint[]
}

/** A parsed case file. */
export type DeriveCase = {
  scenario: DeriveScenario
  parameters: DeriveParameters
  /** present when the file has a `Result` */
  expected?: DeriveExpected
}
