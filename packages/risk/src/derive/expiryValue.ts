import { annualise, deriveBlack76 } from './black76.js'
import { DeriveMathError, UNIT, divDec, ln, maxBig, minBig, mulDec, sqrt } from './fixedPoint.js'
import type { DeriveExpiryHoldings } from './portfolio.js'
import type { DeriveParameters } from './types.js'

/**
 * Value of an expiry's options after a spot shock and a parallel vol shock (`_getExpiryShockedMTM`): forward =
 * variable · spotShock + fixed; vol = max(floor, vol · multiplier), the floor `MIN_VOL_EVAL_SHOCKED` only in up
 * shocks; Black-76 per option × signed amount. 1e18 stable.
 */
export function shockedExpiryValue(
  e: DeriveExpiryHoldings,
  spotShock: bigint,
  volShock: 'up' | 'down' | 'none',
  minVolUpShock: bigint,
): bigint {
  const multiplier = volShock === 'up' ? e.volShockUp : volShock === 'down' ? e.volShockDown : UNIT
  const minVol = volShock === 'up' ? minVolUpShock : 0n
  const forward = mulDec(e.forwardVariable, spotShock) + e.forwardFixed
  let total = 0n
  for (const o of e.options) {
    const vol = maxBig(minVol, mulDec(o.vol, multiplier))
    const { call, put } = deriveBlack76({ secToExpiry: e.secToExpiry, discount: e.discount, vol, forward, strike: o.strike })
    total += mulDec(o.isCall ? call : put, o.amount)
  }
  return total
}

/**
 * kStar, the log-moneyness where the skew shock reaches its cap: max(minKStar, √τ · widthScale · (volParamStatic +
 * √τ · volParamScale)) (`_getKStar`).
 */
export function skewKStar(sqrtTau: bigint, p: DeriveParameters['skew']): bigint {
  const volParam = p.volParamStatic + mulDec(sqrtTau, p.volParamScale)
  return maxBig(p.minKStar, mulDec(mulDec(sqrtTau, p.widthScale), volParam))
}

/**
 * Value of an expiry's options with the wings of the smile moved (`_getExpirySkewedShockedMTM`), at the unshocked
 * forward: cap = cBase · √τ + baseCap; k = ln(K/F) (|k| for `abs`); vol multiplier 1 + clamp(k · cap / kStar, ±cap),
 * floored at 0. 1e18 stable.
 * @throws DeriveMathError when kStar is 0 or a strike is 0 (the contract reverts)
 */
export function skewedExpiryValue(e: DeriveExpiryHoldings, kind: 'linear' | 'abs', p: DeriveParameters['skew']): bigint {
  const forward = e.forwardVariable + e.forwardFixed
  const sqrtTau = sqrt(annualise(e.secToExpiry))
  const cap = kind === 'linear' ? mulDec(p.linearCBase, sqrtTau) + p.linearBaseCap : mulDec(p.absCBase, sqrtTau) + p.absBaseCap
  const kStar = skewKStar(sqrtTau, p)
  if (kStar === 0n) throw new DeriveMathError('Skew kStar is zero (division by zero).')
  let total = 0n
  for (const o of e.options) {
    let k = ln(divDec(o.strike, forward))
    if (kind === 'abs' && k < 0n) k = -k
    const tilt = (k * cap) / kStar
    const multiplier = UNIT + (k >= 0n ? minBig(cap, tilt) : maxBig(-cap, tilt))
    const vol = mulDec(o.vol, multiplier < 0n ? 0n : multiplier)
    const { call, put } = deriveBlack76({ secToExpiry: e.secToExpiry, discount: e.discount, vol, forward, strike: o.strike })
    total += mulDec(o.isCall ? call : put, o.amount)
  }
  return total
}
