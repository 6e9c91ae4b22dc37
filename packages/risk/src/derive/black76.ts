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

/** Year fraction of `secs` seconds, 1e18, truncated (`Black76.annualise`). */
export function annualise(secs: bigint): bigint {
  return (secs * UNIT) / SECONDS_PER_YEAR
}

/**
 * Black-76 call and put prices exactly as lyra-utils `Black76.prices` computes them: standardized prices at
 * moneyness K/F with total vol σ√τ, scaled by the discounted forward, capped at the discounted forward (call) and
 * discounted strike (put); the put comes from put-call parity on the standardized call.
 * @returns `{ call, put }`, 1e18 fixed point, same unit as the forward
 * @throws DeriveMathError when a value is out of the contract's domain
 * @example derive76Prices({ secToExpiry: 2_592_000n, discount: 10n ** 18n, vol: 5n * 10n ** 17n,
 *   forward: 1500n * 10n ** 18n, strike: 1500n * 10n ** 18n }) // ≈ 85.86 each
 */
export function deriveBlack76(inputs: DeriveBlack76Inputs): { call: bigint; put: bigint } {
  const { discount, forward, strike } = inputs
  if (inputs.vol < 0n || forward < 0n || strike < 0n) throw new DeriveMathError('Black-76 inputs must be non-negative.')
  const totalVol0 = (inputs.vol * sqrt(annualise(inputs.secToExpiry))) / UNIT
  const fwdDiscounted = (forward * discount) / UNIT
  if (strike === 0n) return { call: fwdDiscounted, put: 0n }
  const strikeDiscounted = (strike * discount) / UNIT
  if (forward === 0n) return { call: 0n, put: strikeDiscounted }
  const moneyness0 = (strike * UNIT) / forward
  let stdCall: bigint
  if (totalVol0 >= MAX_TOTAL_VOL) {
    stdCall = UNIT
  } else {
    const totalVol = totalVol0 === 0n ? 1n : totalVol0
    const moneyness = moneyness0 === 0n ? 1n : moneyness0
    const k = ln(moneyness)
    const halfV2t = ((totalVol >> 1n) * totalVol) / UNIT
    const d1 = ((halfV2t - k) * UNIT) / totalVol
    const d2 = d1 - totalVol
    const nd1 = stdNormalCdf(d1)
    const mNd2 = (moneyness * stdNormalCdf(d2)) / UNIT
    stdCall = nd1 >= mNd2 ? nd1 - mNd2 : 0n
  }
  const sum = stdCall + moneyness0
  const stdPut = sum >= UNIT ? sum - UNIT : 0n
  let call = (stdCall * fwdDiscounted) / UNIT
  let put = (stdPut * fwdDiscounted) / UNIT
  if (call > fwdDiscounted) call = fwdDiscounted
  if (put > strikeDiscounted) put = strikeDiscounted
  return { call, put }
}
