import { DeriveMathError, UNIT, ln, sqrt, stdNormalCdf } from './fixedPoint.js'

/** Seconds in Derive's year (365 days). */
export const SECONDS_PER_YEAR = 31_536_000n
/** σ·√τ above which the standardized call is worth 1 (lyra-utils `MAX_TOTAL_VOL`). */
const MAX_TOTAL_VOL = 24n * UNIT

/** Inputs of one Black-76 price, all 1e18 fixed point except `secToExpiry` (whole seconds). */
export type DeriveBlack76Inputs = {
  /** seconds to expiry (0 once expired) */
  secToExpiry: bigint
  /** discount factor e^(-r·τ), 1e18 */
  discount: bigint
  /** implied volatility, 1e18 (0.5e18 = 50 %) */
  vol: bigint
  /** forward price, 1e18 */
  forward: bigint
  /** strike, 1e18 */
  strike: bigint
}

/** The vol-independent part of a Black-76 price at one (forward, strike, discount), reusable across vol shocks. */
export type DeriveQuote = {
  fwdDiscounted: bigint
  strikeDiscounted: bigint
  /** K/F, 1e18 (null when the strike or the forward is 0: the price is then intrinsic) */
  moneyness: bigint | null
  /** ln(max(K/F, 1 wei)) */
  k: bigint
  /** price when `moneyness` is null */
  intrinsic: { call: bigint; put: bigint } | null
}

/** Year fraction of `secs` seconds, 1e18, truncated (`Black76.annualise`). */
export function annualise(secs: bigint): bigint {
  return (secs * UNIT) / SECONDS_PER_YEAR
}

/** Precomputes the vol-independent part of {@link deriveBlack76}. */
export function deriveQuote(forward: bigint, strike: bigint, discount: bigint): DeriveQuote {
  if (forward < 0n || strike < 0n) throw new DeriveMathError('Black-76 inputs must be non-negative.')
  const fwdDiscounted = (forward * discount) / UNIT
  const strikeDiscounted = (strike * discount) / UNIT
  if (strike === 0n)
    return { fwdDiscounted, strikeDiscounted, moneyness: null, k: 0n, intrinsic: { call: fwdDiscounted, put: 0n } }
  if (forward === 0n)
    return { fwdDiscounted, strikeDiscounted, moneyness: null, k: 0n, intrinsic: { call: 0n, put: strikeDiscounted } }
  const moneyness = (strike * UNIT) / forward
  return { fwdDiscounted, strikeDiscounted, moneyness, k: ln(moneyness === 0n ? 1n : moneyness), intrinsic: null }
}

/**
 * Call and put from a precomputed quote, a vol and √τ (1e18): Derive's standardized call N(d1) − (K/F)·N(d2) at
 * total vol σ√τ (1 above 24), put by parity, both × discounted forward and capped at the discounted forward/strike.
 */
export function priceQuote(q: DeriveQuote, vol: bigint, sqrtTau: bigint): { call: bigint; put: bigint } {
  if (q.moneyness === null) return q.intrinsic!
  if (vol < 0n) throw new DeriveMathError('Black-76 vol must be non-negative.')
  const moneyness0 = q.moneyness
  const totalVol0 = (vol * sqrtTau) / UNIT
  let stdCall: bigint
  if (totalVol0 >= MAX_TOTAL_VOL) {
    stdCall = UNIT
  } else {
    const totalVol = totalVol0 === 0n ? 1n : totalVol0
    const moneyness = moneyness0 === 0n ? 1n : moneyness0
    const halfV2t = ((totalVol >> 1n) * totalVol) / UNIT
    const d1 = ((halfV2t - q.k) * UNIT) / totalVol
    const d2 = d1 - totalVol
    const nd1 = stdNormalCdf(d1)
    const mNd2 = (moneyness * stdNormalCdf(d2)) / UNIT
    stdCall = nd1 >= mNd2 ? nd1 - mNd2 : 0n
  }
  const sum = stdCall + moneyness0
  const stdPut = sum >= UNIT ? sum - UNIT : 0n
  const call = (stdCall * q.fwdDiscounted) / UNIT
  const put = (stdPut * q.fwdDiscounted) / UNIT
  return {
    call: call > q.fwdDiscounted ? q.fwdDiscounted : call,
    put: put > q.strikeDiscounted ? q.strikeDiscounted : put,
  }
}

/**
 * Black-76 call and put prices exactly as lyra-utils `Black76.prices` computes them: standardized prices at
 * moneyness K/F with total vol σ√τ, scaled by the discounted forward, capped at the discounted forward (call) and
 * discounted strike (put); the put comes from put-call parity on the standardized call.
 * @returns `{ call, put }`, 1e18 fixed point, same unit as the forward
 * @throws DeriveMathError when an input is negative
 * @example deriveBlack76({ secToExpiry: 604_800n, discount: 10n ** 18n, vol: 10n ** 18n,
 *   forward: 1500n * 10n ** 18n, strike: 1500n * 10n ** 18n }) // call = put ≈ 82.805 (Derive's figure)
 */
export function deriveBlack76(inputs: DeriveBlack76Inputs): { call: bigint; put: bigint } {
  return priceQuote(
    deriveQuote(inputs.forward, inputs.strike, inputs.discount),
    inputs.vol,
    sqrt(annualise(inputs.secToExpiry)),
  )
}
