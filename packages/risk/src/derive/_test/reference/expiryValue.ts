import { type DeriveQuote, deriveQuote, priceQuote } from './black76.js'
import { DeriveMathError, UNIT, maxBig, minBig, mulDec } from './fixedPoint.js'
import type { DeriveExpiryHoldings } from './portfolio.js'
import type { DeriveParameters } from '../../types.js'

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
  const quotes = quotesAt(e, mulDec(e.forwardVariable, spotShock) + e.forwardFixed)
  let total = 0n
  e.options.forEach((o, i) => {
    const { call, put } = priceQuote(quotes[i]!, maxBig(minVol, mulDec(o.vol, multiplier)), e.sqrtTau)
    total += mulDec(o.isCall ? call : put, o.amount)
  })
  return total
}

/** The expiry's options quoted at `forward` (cached on the expiry: scenarios at one spot shock share them). */
function quotesAt(e: DeriveExpiryHoldings, forward: bigint): DeriveQuote[] {
  let quotes = e.quotes.get(forward)
  if (quotes === undefined) {
    quotes = e.options.map((o) => deriveQuote(forward, o.strike, e.discount))
    e.quotes.set(forward, quotes)
  }
  return quotes
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
export function skewedExpiryValue(
  e: DeriveExpiryHoldings,
  kind: 'linear' | 'abs',
  p: DeriveParameters['skew'],
): bigint {
  const forward = e.forwardVariable + e.forwardFixed
  const sqrtTau = e.sqrtTau
  const quotes = quotesAt(e, forward)
  const cap =
    kind === 'linear' ? mulDec(p.linearCBase, sqrtTau) + p.linearBaseCap : mulDec(p.absCBase, sqrtTau) + p.absBaseCap
  const kStar = skewKStar(sqrtTau, p)
  if (kStar === 0n) throw new DeriveMathError('Skew kStar is zero (division by zero).')
  let total = 0n
  e.options.forEach((o, i) => {
    const quote = quotes[i]!
    // ln(K/F) of the quote equals the contract's ln(strike.divideDecimal(forward)); that one reverts below 1 wei
    if (quote.moneyness === null || quote.moneyness === 0n)
      throw new DeriveMathError('ln of a zero strike/forward ratio in the skew shock.')
    let k = quote.k
    if (kind === 'abs' && k < 0n) k = -k
    const tilt = (k * cap) / kStar
    const multiplier = UNIT + (k >= 0n ? minBig(cap, tilt) : maxBig(-cap, tilt))
    const { call, put } = priceQuote(quote, mulDec(o.vol, multiplier < 0n ? 0n : multiplier), sqrtTau)
    total += mulDec(o.isCall ? call : put, o.amount)
  })
  return total
}
