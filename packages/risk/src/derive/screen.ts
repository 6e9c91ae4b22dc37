import { mulDec } from './fixedPoint.js'
import { skewKStar } from './expiryValue.js'
import type { DeriveExpiryHoldings, DerivePortfolio } from './portfolio.js'
import { EPS_LN_FIXED, U, WEI, black76WithBound } from './screenBlack76.js'
import type { DeriveParameters, DeriveScenarioShock } from './types.js'

/**
 * Float64 screening of scenarios: each scenario P&L estimated with the contract's steps, with a rigorous bound on
 * |estimate − fixed-point P&L| (derivation per term in README.md, "Screening"), so that only the scenarios that can
 * be the worst need the fixed-point computation.
 */

/** A scenario's float64 P&L (1 = one unit of the stable) and a bound on its distance to the fixed-point P&L. */
export type DeriveScreen = { pnl: number; bound: number }

/** 1e18 fixed point to float64, relative error ≤ u (2^-53). */
const f = (x: bigint) => Number(x) / 1e18

type FloatOption = { strikeIndex: number; amount: number; isCall: boolean }
type FloatExpiry = {
  fVar: number
  fFixed: number
  D: number
  sqrtTau: number
  up: number
  down: number
  pos: number
  neg: number
  mtm: number
  /** skew caps cBase·√τ + baseCap and kStar, from the contract's own integers */
  linearCap: number
  absCap: number
  kStar: number
  /** the contract reverts in a skew scenario (kStar = 0, or K/F = 0 for an option) */
  skewReverts: boolean
  /** distinct strikes and their vols (a call and a put at one strike share the float price and its bound) */
  strikes: { K: number; vol: number }[]
  options: FloatOption[]
}
/** The precomputed portfolio in float64, built once per margin call. */
export type DeriveFloatPortfolio = {
  perp: number
  perpPrice: number
  expiries: FloatExpiry[]
  /** values of the risk-cancelling collaterals */
  shocked: number[]
  minVolUp: number
}

/** Converts the precomputed portfolio (after `addDerivePrecomputes`) to float64 for {@link screenScenario}. */
export function floatPortfolio(portfolio: DerivePortfolio, params: DeriveParameters): DeriveFloatPortfolio {
  return {
    perp: f(portfolio.perpPosition),
    perpPrice: f(portfolio.perpPrice),
    expiries: portfolio.expiries.map((e) => floatExpiry(e, params.skew)),
    shocked: portfolio.collaterals.filter((c) => c.isRiskCancelling).map((c) => f(c.value)),
    minVolUp: f(params.volShock.minVolUpShock),
  }
}

function floatExpiry(e: DeriveExpiryHoldings, skew: DeriveParameters['skew']): FloatExpiry {
  const kStar = skewKStar(e.sqrtTau, skew)
  // the skew scenario quotes at the unshocked forward, which the MTM has already quoted
  const quotes = e.quotes.get(e.forwardVariable + e.forwardFixed)
  const zeroRatio = quotes === undefined || quotes.some((q) => q.moneyness === null || q.moneyness === 0n)
  return {
    fVar: f(e.forwardVariable),
    fFixed: f(e.forwardFixed),
    D: f(e.discount),
    sqrtTau: f(e.sqrtTau),
    up: f(e.volShockUp),
    down: f(e.volShockDown),
    pos: f(e.staticDiscountPos),
    neg: f(e.staticDiscountNeg),
    mtm: f(e.mtm),
    linearCap: f(mulDec(skew.linearCBase, e.sqrtTau) + skew.linearBaseCap),
    absCap: f(mulDec(skew.absCBase, e.sqrtTau) + skew.absBaseCap),
    kStar: f(kStar),
    skewReverts: kStar === 0n || (e.options.length > 0 && zeroRatio),
    strikes: e.strikes.map((k) => ({ K: f(k.strike), vol: f(k.vol) })),
    options: e.options.map((o) => ({ strikeIndex: o.strikeIndex, amount: f(o.amount), isCall: o.isCall })),
  }
}

/**
 * Estimates a scenario's P&L in float64 with the steps of `deriveScenarioPnl`, and bounds |estimate − exact| (the
 * bound is Infinity where the contract would revert or a branch of the contract cannot be decided in float64).
 */
export function screenScenario(p: DeriveFloatPortfolio, s: DeriveScenarioShock): DeriveScreen {
  const S = f(s.spotShock)
  const d = f(s.dampening)
  const skew = s.volShock === 'linear' || s.volShock === 'abs'
  const terms: number[] = []
  let bound = 0
  if (p.perp !== 0) {
    // mulDec(mulDec(perp, mulDec(S − 1, price)), d): three truncations (the inner one × |perp| and × d); in float64
    // S carries u·S, each of the 4 operations u of the result
    const v = p.perp * (S - 1) * p.perpPrice * d
    terms.push(v)
    bound += (Math.abs(p.perp) * WEI + WEI) * d + WEI + 8 * U * Math.abs(p.perp) * p.perpPrice * d * (Math.abs(S - 1) + S)
  }
  for (const e of p.expiries) {
    const x = skew ? skewedValue(e, s.volShock as 'linear' | 'abs') : shockedValue(e, S, s.volShock, p.minVolUp)
    if (!(x.bound < Number.POSITIVE_INFINITY)) return { pnl: Number.NaN, bound: Number.POSITIVE_INFINITY }
    const maxDiscount = Math.max(e.pos, e.neg)
    // value × (pos or neg by sign): the same discount errs by the value's bound × discount + 1 wei + 2u; when the
    // value's sign is undecided, the contract may apply the other one: ≤ (bound + 2|value|) × max discount
    let discounted = (x.bound + (Math.abs(x.value) <= x.bound ? 2 * Math.abs(x.value) : 0)) * maxDiscount + WEI
    const value = x.value * (x.value >= 0 ? e.pos : e.neg)
    discounted += 2 * U * Math.abs(value)
    // − MTM (exact integer, converted: u·|MTM|), × d (truncated: 1 wei; float: 2u); −|P&L| in skew is 1-Lipschitz
    const expiryPnl = (value - e.mtm) * d
    bound += (discounted + U * Math.abs(e.mtm) + 2 * U * Math.abs(value - e.mtm)) * d + WEI + 2 * U * Math.abs(expiryPnl)
    terms.push(skew && expiryPnl > 0 ? -expiryPnl : expiryPnl)
  }
  for (const value of p.shocked) {
    // mulDec(mulDec(value, S − 1), d): two truncations
    const v = value * (S - 1) * d
    terms.push(v)
    bound += WEI * d + WEI + 8 * U * value * d * (Math.abs(S - 1) + S)
  }
  let pnl = 0
  let gross = 0
  for (const t of terms) {
    pnl += t
    gross += Math.abs(t)
  }
  // summing n terms in float64 errs by at most n·u·Σ|term| (the fixed-point sum is exact)
  return { pnl, bound: bound + terms.length * U * gross }
}

type ValueWithBound = { value: number; bound: number }

function shockedValue(
  e: FloatExpiry,
  S: number,
  volShock: DeriveScenarioShock['volShock'],
  minVolUp: number,
): ValueWithBound {
  const mult = volShock === 'up' ? e.up : volShock === 'down' ? e.down : 1
  const minVol = volShock === 'up' ? minVolUp : 0
  // forward: mulDec(fVar, S) + fFixed (1 wei) against fVar·S + fFixed (conversions and 2 operations: 4u)
  const F = e.fVar * S + e.fFixed
  const dF = WEI + 4 * U * F
  return sum(e, F, dF, (vol) => {
    // max(minVol, mulDec(vol, mult)) (1 wei; float: 3u) × √τ truncated (1 wei, and 1 wei where the contract lifts 0
    // to 1 wei; float: 4u); max is 1-Lipschitz
    const shocked = Math.max(minVol, vol * mult)
    const v = shocked * e.sqrtTau
    return { v, dV: (WEI + 4 * U * Math.max(vol * mult, minVol)) * e.sqrtTau + 2 * WEI + 4 * U * v }
  })
}

function skewedValue(e: FloatExpiry, kind: 'linear' | 'abs'): ValueWithBound {
  if (e.skewReverts) return { value: Number.NaN, bound: Number.POSITIVE_INFINITY }
  const F = e.fVar + e.fFixed
  const cap = kind === 'linear' ? e.linearCap : e.absCap
  const slope = Math.abs(cap) / e.kStar
  return sum(e, F, 3 * U * F, (vol, K) => {
    const k0 = Math.log(K / F)
    // the contract's k = ln(floor(K/F)) errs from the float one by ≤ EPS_LN_FIXED + 2 wei/m + 3u(1 + |k|)
    const dk = EPS_LN_FIXED + (2 * WEI * F) / K + 3 * U * (1 + Math.abs(k0))
    // a negative cap makes the multiplier jump at k = 0 (min(cap, ·) above, max(−cap, ·) below): undecidable near 0
    if (kind === 'linear' && cap < 0 && Math.abs(k0) <= dk) return { v: Number.NaN, dV: Number.POSITIVE_INFINITY }
    const k = kind === 'abs' ? Math.abs(k0) : k0
    const tilt = (k * cap) / e.kStar
    const mult = Math.max(0, 1 + (k >= 0 ? Math.min(cap, tilt) : Math.max(-cap, tilt)))
    // multiplier: |cap|/kStar per unit of k (clamp and floor are 1-Lipschitz), the tilt's truncation (1 wei), float
    // rounding of k·cap/kStar and 1 + tilt (4u(1 + |tilt|)); then mulDec(vol, mult) (1 wei; float 3u) × √τ as above
    const dMult = slope * dk + WEI + 4 * U * (1 + Math.abs(tilt))
    const v = vol * mult * e.sqrtTau
    return { v, dV: (vol * dMult + WEI + 3 * U * vol * mult) * e.sqrtTau + 2 * WEI + 4 * U * v }
  })
}

/** Σ amount · price over the expiry's options, each mulDec truncating (1 wei) and float64 summing (n·u·Σ|·|). */
function sum(
  e: FloatExpiry,
  F: number,
  dF: number,
  volOf: (vol: number, strike: number) => { v: number; dV: number },
): ValueWithBound {
  const prices = e.strikes.map((k) => {
    const { v, dV } = volOf(k.vol, k.K)
    return black76WithBound(F, k.K, e.D, v, dF, dV)
  })
  let value = 0
  let bound = 0
  let gross = 0
  for (const o of e.options) {
    const x = prices[o.strikeIndex]!
    const price = o.isCall ? x.call : x.put
    const a = Math.abs(o.amount)
    value += price * o.amount
    bound += a * x.bound + WEI + 3 * U * a * price
    gross += a * price
  }
  return { value, bound: bound + e.options.length * U * gross }
}
