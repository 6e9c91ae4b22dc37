import { normCdf } from '../pricing/normal.js'

/**
 * Float64 Black-76 with Derive's steps and a rigorous bound on its distance to the contract's fixed-point price of the
 * same option (`priceQuote` in `black76.ts`). The derivation, term by term, is in README.md ("Screening").
 */

/** Unit roundoff of float64 (2^-53): every correctly rounded operation errs by at most this, relative. */
export const U = 2 ** -53
/** One wei of 1e18 fixed point: each truncating division or shift of the contract errs by less than this. */
export const WEI = 1e-18
/**
 * |contract N(x) − Φ(x)|, all x: West/Hart CDF evaluated in base 2^64 with the contract's exp. A dense scan (400 001
 * points over [−40, 40], `screenBlack76.test.ts`) measures ≤ 1e-15 against stdlib's erfc-based Φ; 2e-15 is the bound.
 */
export const EPS_CDF_FIXED = 2e-15
/** |float64 N(x) − Φ(x)|: ½·erfc(−x/√2), FreeBSD msun erfc (< 1 ulp) plus the rounding of −x/√2 (≤ φ(x)·|x|·u). */
export const EPS_CDF_FLOAT = 1e-15
/** |contract ln(x) − ln(x)| for x in [1e-9, 1e9] (1e18 units); the scan measures ≤ 4e-15 (float64 log's own ulp). */
export const EPS_LN_FIXED = 1e-14
/** Moneyness K/F outside this range is not screened (the bound is infinite and the scenario is computed exactly). */
export const MONEYNESS_MIN = 1e-9
export const MONEYNESS_MAX = 1e9
/** max φ(x) = 1/√(2π): the Lipschitz constant of Φ, and of a Black-76 price per unit of total vol and F·D. */
export const INV_SQRT_2PI = 0.3989422804014327
/**
 * Upper bound of (1 − Φ(d1)) + m·Φ(d2) at total vol ≥ 24 and |ln m| ≤ 21 (d1 ≥ 11.1, d2 ≤ −11.1: Φ(−11.1) < 1e-28),
 * per unit of 1 + m: how far the contract's standardized call of 1 above `MAX_TOTAL_VOL` is from the formula.
 */
const CAP_GAP = 1e-27

/** Call and put prices at one strike and the bound on |float − contract| of either, in the forward's unit. */
export type PricesWithBound = { call: number; put: number; bound: number }

/**
 * Call and put in float64 as the contract computes them (standardized call N(d1) − m·N(d2) at total vol v, 1
 * above 24, floored at 0; put by parity; × F·D; capped at F·D and K·D) and a bound on its distance to the contract's
 * fixed-point price. `dF`, `dV` bound the distance of the contract's own forward and total vol to `F`, `v`.
 * @param F forward; K strike; D discount factor; v total vol σ√τ (float64, converted from or computed like 1e18)
 * @returns both prices and the bound, valid for either (Infinity when K/F is outside [1e-9, 1e9])
 */
export function black76WithBound(
  F: number,
  K: number,
  D: number,
  v: number,
  dF: number,
  dV: number,
): PricesWithBound {
  const FD = F * D
  const KD = K * D
  // inputs: |∂P/∂F| ≤ D, |∂P/∂K| ≤ D, |∂P/∂v| ≤ F·D·φ(d1) ≤ F·D/√(2π), |∂P/∂D| ≤ max(F, K); K and D are float
  // conversions of the contract's integers (relative error ≤ u); the caps are 1-Lipschitz
  const inputs = D * (dF + U * K) + INV_SQRT_2PI * FD * dV + Math.max(F, K) * U * D
  const rounding = 4 * WEI + 8 * U * (F + K) * D
  if (K === 0) return { call: FD, put: 0, bound: inputs + rounding }
  if (F === 0) return { call: 0, put: KD, bound: inputs + rounding }
  const m = K / F
  const k = Math.log(m)
  const tv = Math.max(v, WEI)
  const d1 = (0.5 * tv * tv - k) / tv
  let std = 1
  if (v < 24) std = Math.max(0, normCdf(d1) - m * normCdf(d1 - tv))
  const stdPut = Math.max(0, std + m - 1)
  const call = Math.min(std * FD, FD)
  const put = Math.min(stdPut * FD, KD)
  if (!(m >= MONEYNESS_MIN && m <= MONEYNESS_MAX)) return { call, put, bound: Number.POSITIVE_INFINITY }
  // d1 of the contract at its total vol v' ≥ vLow against the exact d1 there: (v'²/2 truncated twice: ≤ (1 + v')
  // wei; ln(K/F) with K/F truncated to the wei: ≤ EPS_LN_FIXED + 1 wei / m) / v', then the division's own wei
  const vLow = Math.max(WEI, v - dV)
  const dd1Fixed = ((1 + vLow) * WEI + EPS_LN_FIXED + WEI / m) / vLow + WEI
  // d1 and d2 in float64 against exact ones at (F, K, v): log and K/F (≤ 3u(1 + |k|)), v²/2, the subtraction, the
  // division and d1 − v, each ≤ u of their magnitude
  const dd1Float = 4 * U * ((1 + Math.abs(k) + tv * tv) / tv + Math.abs(d1) + tv)
  // N(x) − m·N(x − v) moves by at most (1 + m)/√(2π) per unit of x (mean value theorem); each N errs by EPS_CDF_*; m
  // truncated to the wei (≤ 1 wei in m·N(d2) and in the parity put), the wei of m·N(d2), the cap at 24
  const std1 = 1 + m
  const stdError =
    std1 * (EPS_CDF_FIXED + EPS_CDF_FLOAT + INV_SQRT_2PI * (dd1Fixed + dd1Float) + 4 * WEI + CAP_GAP + 8 * U)
  // × the contract's F'·D (F' ≤ F + dF) truncated to the wei: ≤ (1 + m) wei more (std call ≤ 1, std put ≤ m)
  return { call, put, bound: stdError * (F + dF) * D + std1 * 2 * WEI + inputs + rounding }
}
