import { DeriveMathError, UNIT, divDec, ln, mulDec, sqrt } from './fixedPoint.js'

/** Raw SVI parameters of one expiry, 1e18 fixed point (Gatheral's raw parametrization of total variance). */
export type DeriveSviParams = {
  a: bigint
  b: bigint
  rho: bigint
  m: bigint
  sigma: bigint
  /** forward the surface is fitted around, 1e18 */
  forward: bigint
  /** year fraction the total variance is spread over, 1e18 */
  tau: bigint
}

/** Cap on total variance w (lyra-utils `SVI.MAX_TOTAL_VAR`). */
const MAX_TOTAL_VAR = 144n * UNIT
/** Bound on |k| in units of √(a + b·σ) (lyra-utils `SVI.TOTAL_VOL_SCALAR`). */
const TOTAL_VOL_SCALAR = 4n * UNIT

/**
 * Implied vol at `strike` from raw SVI as Derive's vol feed computes it (lyra-utils `SVI.getVol`):
 * k = ln(K/F) clamped to ±4·√(a + b·σ); w = a + b·(ρ·(k − m) + √((k − m)² + σ²)), capped at 144;
 * vol = √(w / τ). Gatheral, "A parsimonious arbitrage-free implied volatility parameterization" (2004).
 * @returns vol, 1e18 (0 for a zero strike)
 * @throws DeriveMathError when w < 0, a + b·σ < 0, the forward or τ is 0 (the contract reverts)
 */
export function sviVol(strike: bigint, p: DeriveSviParams): bigint {
  if (strike === 0n) return 0n
  if (p.forward === 0n) throw new DeriveMathError('SVI forward price is zero.')
  const k = sviK(strike, p)
  const kSubM = k - p.m
  const kSubMSq = mulDec(kSubM, kSubM)
  const sigmaSq = mulDec(p.sigma, p.sigma)
  const bPortion = mulDec(p.b, sqrt(kSubMSq + sigmaSq) + mulDec(p.rho, kSubM))
  let w = p.a + bPortion
  if (w < 0n) throw new DeriveMathError('SVI total variance is negative.')
  if (w > MAX_TOTAL_VAR) w = MAX_TOTAL_VAR
  if (p.tau === 0n) throw new DeriveMathError('SVI tau is zero.')
  return sqrt(divDec(w, p.tau))
}

/** Log-moneyness ln(K/F) bounded to ±4·√(a + b·σ) (lyra-utils `SVI.getK`). */
export function sviK(strike: bigint, p: DeriveSviParams): bigint {
  const base = p.a + mulDec(p.b, p.sigma)
  if (base < 0n) throw new DeriveMathError('SVI a + b·sigma is negative.')
  const kBound = mulDec(sqrt(base), TOTAL_VOL_SCALAR)
  const sk = divDec(strike, p.forward)
  if (sk === 0n) return -kBound
  const k = ln(sk)
  if (k > kBound) return kBound
  if (k < -kBound) return -kBound
  return k
}
