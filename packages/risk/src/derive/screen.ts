import { normCdf } from '../pricing/normal.js'
import type { DeriveExpiryHoldings, DerivePortfolio } from './portfolio.js'
import type { DeriveParameters, DeriveScenarioShock } from './types.js'

/**
 * Relative bound on the difference between a float64 scenario P&L and the contract's fixed-point one, per unit of
 * gross value (|amount|·(F + K) per option, |MTM| per expiry, shocked notional of perps and collateral). The float
 * Black-76 (stdlib erfc) and Derive's approximations (West/Hart CDF, 1e18 truncations) each differ from exact prices
 * by about 1e-15 of F + K; 1e-9 leaves five orders of margin.
 */
const SCREEN_RELATIVE_BOUND = 1e-9
const SCREEN_ABSOLUTE_BOUND = 1e-12

/** A scenario's float64 P&L (USDC) and a bound on its distance to the exact fixed-point P&L. */
export type DeriveScreen = { pnl: number; bound: number }

/** 1e18 fixed point to float64 (relative error ≈ 1e-16, far inside the screening bound). */
const f = (x: bigint) => Number(x) / 1e18

type FloatOption = { K: number; amount: number; vol: number; isCall: boolean }
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
  skew: DeriveParameters['skew']
}

/** Converts the precomputed portfolio to float64 for {@link screenScenario}. */
export function floatPortfolio(portfolio: DerivePortfolio, params: DeriveParameters): DeriveFloatPortfolio {
  return {
    perp: f(portfolio.perpPosition),
    perpPrice: f(portfolio.perpPrice),
    expiries: portfolio.expiries.map((e: DeriveExpiryHoldings) => ({
      fVar: f(e.forwardVariable),
      fFixed: f(e.forwardFixed),
      D: f(e.discount),
      sqrtTau: f(e.sqrtTau),
      up: f(e.volShockUp),
      down: f(e.volShockDown),
      pos: f(e.staticDiscountPos),
      neg: f(e.staticDiscountNeg),
      mtm: f(e.mtm),
      options: e.options.map((o) => ({ K: f(o.strike), amount: f(o.amount), vol: f(o.vol), isCall: o.isCall })),
    })),
    shocked: portfolio.collaterals.filter((c) => c.isRiskCancelling).map((c) => f(c.value)),
    minVolUp: f(params.volShock.minVolUpShock),
    skew: params.skew,
  }
}

/**
 * Estimates a scenario's P&L in float64 with the same steps as `deriveScenarioPnl` (used to rank scenarios so that
 * only those that can be the worst are computed exactly), with a bound on its error.
 */
export function screenScenario(p: DeriveFloatPortfolio, s: DeriveScenarioShock): DeriveScreen {
  const S = f(s.spotShock)
  const d = f(s.dampening)
  const skew = s.volShock === 'linear' || s.volShock === 'abs'
  let pnl = 0
  let gross = 0
  if (p.perp !== 0) {
    const perp = p.perp * (S - 1) * p.perpPrice * d
    pnl += perp
    gross += Math.abs(perp)
  }
  for (const e of p.expiries) {
    const { value, gross: g } = skew
      ? skewedValue(e, s.volShock as 'linear' | 'abs', p.skew)
      : shockedValue(e, S, s.volShock, p.minVolUp)
    const expiryPnl = (value * (value >= 0 ? e.pos : e.neg) - e.mtm) * d
    pnl += skew && expiryPnl > 0 ? -expiryPnl : expiryPnl
    gross += (g * Math.max(1, e.pos, e.neg) + Math.abs(e.mtm)) * Math.abs(d)
  }
  for (const value of p.shocked) {
    const v = value * (S - 1) * d
    pnl += v
    gross += Math.abs(v)
  }
  return { pnl, bound: SCREEN_RELATIVE_BOUND * gross + SCREEN_ABSOLUTE_BOUND }
}

function shockedValue(e: FloatExpiry, S: number, volShock: DeriveScenarioShock['volShock'], minVolUp: number) {
  const mult = volShock === 'up' ? e.up : volShock === 'down' ? e.down : 1
  const minVol = volShock === 'up' ? minVolUp : 0
  return sum(e, e.fVar * S + e.fFixed, (vol) => Math.max(minVol, vol * mult))
}

function skewedValue(e: FloatExpiry, kind: 'linear' | 'abs', p: DeriveParameters['skew']) {
  const forward = e.fVar + e.fFixed
  const cap =
    kind === 'linear' ? f(p.linearCBase) * e.sqrtTau + f(p.linearBaseCap) : f(p.absCBase) * e.sqrtTau + f(p.absBaseCap)
  const volParam = f(p.volParamStatic) + e.sqrtTau * f(p.volParamScale)
  const kStar = Math.max(f(p.minKStar), e.sqrtTau * f(p.widthScale) * volParam)
  return sum(e, forward, (vol, strike) => {
    let k = Math.log(strike / forward)
    if (kind === 'abs') k = Math.abs(k)
    const tilt = (k * cap) / kStar
    return vol * Math.max(0, 1 + (k >= 0 ? Math.min(cap, tilt) : Math.max(-cap, tilt)))
  })
}

function sum(e: FloatExpiry, forward: number, volOf: (vol: number, strike: number) => number) {
  let value = 0
  let gross = 0
  for (const o of e.options) {
    const { call, put } = black76Float(forward, o.K, e.D, volOf(o.vol, o.K) * e.sqrtTau)
    value += (o.isCall ? call : put) * o.amount
    gross += Math.abs(o.amount) * (forward + o.K) * e.D
  }
  return { value, gross }
}
/** Derive's Black-76 steps in float64: standardized call, parity put, caps. */
function black76Float(F: number, K: number, D: number, totalVol: number): { call: number; put: number } {
  if (K === 0) return { call: F * D, put: 0 }
  if (F === 0) return { call: 0, put: K * D }
  const m = K / F
  let stdCall = 1
  if (totalVol < 24) {
    const tv = Math.max(totalVol, 1e-18)
    const d1 = (0.5 * tv * tv - Math.log(m)) / tv
    stdCall = Math.max(0, normCdf(d1) - m * normCdf(d1 - tv))
  }
  const stdPut = Math.max(0, stdCall + m - 1)
  return { call: Math.min(stdCall * F * D, F * D), put: Math.min(stdPut * F * D, K * D) }
}
