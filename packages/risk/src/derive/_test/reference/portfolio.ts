import { type DeriveQuote, annualise } from './black76.js'
import { DeriveCaseError } from '../../errors.js'
import { UNIT, absBig, exp, minBig, mulDec, sqrt } from './fixedPoint.js'
import { sviVol } from './svi.js'
import type { DeriveParameters, DeriveScenario } from '../../types.js'

/** Seconds before expiry in which Derive's forward feed blends in the settlement price (30 minutes). */
const FORWARD_BLEND_SEC = 1_800n

/** One option of an expiry with its surface vol, 1e18. */
export type DeriveStrikeHolding = { strike: bigint; vol: bigint; amount: bigint; isCall: boolean }

/** One expiry's holdings and precomputed values (`IPMRM_2.ExpiryHoldings`), 1e18 unless noted. */
export type DeriveExpiryHoldings = {
  secToExpiry: bigint
  /** forward = variable · spotShock + fixed (the fixed part is the settlement blend of the last 30 minutes) */
  forwardFixed: bigint
  forwardVariable: bigint
  /** rate floored at 0 */
  rate: bigint
  /** e^(-rate·τ) */
  discount: bigint
  minConfidence: bigint
  /** Σ|amount| */
  netOptions: bigint
  options: DeriveStrikeHolding[]
  mtm: bigint
  basisUpMtm: bigint
  basisDownMtm: bigint
  volShockUp: bigint
  volShockDown: bigint
  staticDiscountPos: bigint
  staticDiscountNeg: bigint
  /** √τ (years), 1e18, shared by every price of the expiry */
  sqrtTau: bigint
  /** vol-independent Black-76 parts per forward (1e18), one per option, filled as scenarios need them */
  quotes: Map<bigint, DeriveQuote[]>
}

/** One collateral's value in stable and its risk settings. */
export type DeriveCollateralHolding = {
  name: string
  /** amount · price / stablePrice, 1e18 stable */
  value: bigint
  minConfidence: bigint
  isRiskCancelling: boolean
  imHaircut: bigint
  mmHaircut: bigint
}

/** Contingency charges, 1e18 stable, all ≥ 0 except `basis` (≤ 0, a P&L floor). */
export type DeriveContingencies = {
  /** forward/basis contingency: Σ over expiries of min(0, up/down basis P&L) · (add + mult · τ) */
  basis: bigint
  mmPerp: bigint
  imPerp: bigint
  mmOption: bigint
  imOption: bigint
  /** collateral haircuts in MM (`MMBaseCont` in the case files) */
  mmCollateral: bigint
  imCollateral: bigint
  /** low-confidence charges (perp, each expiry, each collateral), IM only (`OracleCont`) */
  imConfidence: bigint
  /** totals the margin formula subtracts: MM uses `mm`, IM uses `mm + im` */
  mm: bigint
  im: bigint
}

/** The arranged and precomputed portfolio (`IPMRM_2.Portfolio` after `addPrecomputes`). */
export type DerivePortfolio = {
  cash: bigint
  spotPrice: bigint
  stablePrice: bigint
  /** min of spot and (with perps) perp confidence */
  minConfidence: bigint
  perpPosition: bigint
  perpPrice: bigint
  /** unrealized perp P&L + funding */
  perpValue: bigint
  expiries: DeriveExpiryHoldings[]
  collaterals: DeriveCollateralHolding[]
  /** perp value + option MTM + collateral value (cash excluded) */
  totalMtm: bigint
  contingencies: DeriveContingencies
}

/** Groups the options by expiry in order of first appearance and attaches market data (`_arrangePortfolio`). */
export function arrangeDerivePortfolio(scenario: DeriveScenario): DerivePortfolio {
  const byExpiry = new Map<bigint, DeriveExpiryHoldings>()
  for (const o of scenario.options) {
    let e = byExpiry.get(o.secToExpiry)
    const feed = scenario.feeds.find((f) => f.secToExpiry === o.secToExpiry)
    if (feed === undefined) throw new DeriveCaseError('Scenario.OptionFeeds', `no feed for expiry ${o.secToExpiry}`)
    if (e === undefined) {
      const sec = o.secToExpiry
      const blend = sec < FORWARD_BLEND_SEC
      const rate = feed.rate > 0n ? feed.rate : 0n
      e = {
        secToExpiry: sec,
        forwardFixed: blend ? (feed.forward * (FORWARD_BLEND_SEC - sec)) / FORWARD_BLEND_SEC : 0n,
        forwardVariable: blend ? (feed.forward * sec) / FORWARD_BLEND_SEC : feed.forward,
        rate,
        discount: exp((-rate * sec) / 31_536_000n),
        minConfidence: minBig(feed.forwardConfidence, feed.rateConfidence),
        netOptions: 0n,
        options: [],
        mtm: 0n,
        basisUpMtm: 0n,
        basisDownMtm: 0n,
        volShockUp: 0n,
        volShockDown: 0n,
        staticDiscountPos: 0n,
        staticDiscountNeg: 0n,
        sqrtTau: sqrt(annualise(sec)),
        quotes: new Map(),
      }
      byExpiry.set(sec, e)
    }
    e.minConfidence = minBig(e.minConfidence, feed.volConfidence)
    e.netOptions += absBig(o.amount)
    e.options.push({ strike: o.strike, vol: sviVol(o.strike, feed.svi), amount: o.amount, isCall: o.isCall })
  }
  const collaterals = scenario.collaterals.map((c) => ({
    name: c.name,
    value: (c.amount * c.price) / scenario.stablePrice,
    minConfidence: minBig(c.confidence, scenario.spotConfidence),
    isRiskCancelling: c.isRiskCancelling,
    imHaircut: c.imHaircut,
    mmHaircut: c.mmHaircut,
  }))
  const hasPerp = scenario.perpPosition !== 0n
  return {
    cash: scenario.cash,
    spotPrice: scenario.spotPrice,
    stablePrice: scenario.stablePrice,
    minConfidence: hasPerp ? minBig(scenario.spotConfidence, scenario.perpConfidence) : scenario.spotConfidence,
    perpPosition: scenario.perpPosition,
    perpPrice: hasPerp ? scenario.perpPrice : 0n,
    perpValue: hasPerp ? scenario.unrealizedPerpPnl + scenario.unrealizedFunding : 0n,
    expiries: [...byExpiry.values()],
    collaterals,
    totalMtm: 0n,
    contingencies: {
      basis: 0n,
      mmPerp: 0n,
      imPerp: 0n,
      mmOption: 0n,
      imOption: 0n,
      mmCollateral: 0n,
      imCollateral: 0n,
      imConfidence: 0n,
      mm: 0n,
      im: 0n,
    },
  }
}

/** Low-confidence charge (1 − confidence) · confMargin · notional when confidence < threshold, else 0. */
export function confidenceContingency(minConfidence: bigint, notional: bigint, p: DeriveParameters['other']): bigint {
  if (minConfidence >= p.confThreshold) return 0n
  return mulDec(mulDec(UNIT - minConfidence, p.confMargin), notional)
}

/** τ in years, 1e18. */
export function expiryYears(e: DeriveExpiryHoldings): bigint {
  return annualise(e.secToExpiry)
}
