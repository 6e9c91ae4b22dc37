import { describe, expect, it } from 'vitest'
import { normCdf } from '../pricing/normal.js'
import { black76WithBound } from './screenBlack76.js'
import { EPS_CDF_FIXED, EPS_CDF_FLOAT, EPS_LN_FIXED, MONEYNESS_MAX, MONEYNESS_MIN } from './screenBlack76.js'
import { deriveQuote, priceQuote } from './black76.js'
import { ln, stdNormalCdf } from './fixedPoint.js'

const E = 10n ** 18n
const toE18 = (x: number) => BigInt(Math.round(x * 1e9)) * 10n ** 9n

describe('screening constants', () => {
  it('the contract normal CDF stays within EPS_CDF_FIXED − EPS_CDF_FLOAT of the float64 one on a dense scan of [−40, 40]', () => {
    let worst = 0
    for (let i = 0; i <= 400_000; i++) {
      const x = toE18(-40 + i / 5_000 + 1e-7 * Math.sin(i))
      const off = Math.abs(Number(stdNormalCdf(x)) / 1e18 - normCdf(Number(x) / 1e18))
      if (off > worst) worst = off
    }
    expect(worst).toBeLessThanOrEqual(EPS_CDF_FIXED - EPS_CDF_FLOAT)
  })

  it('the contract ln stays within EPS_LN_FIXED of float64 log over the screened moneyness range', () => {
    let worst = 0
    for (let i = 0; i <= 200_000; i++) {
      const x = BigInt(Math.round(Math.exp(Math.log(MONEYNESS_MIN) + (i / 200_000) * Math.log(MONEYNESS_MAX / MONEYNESS_MIN)) * 1e18))
      const off = Math.abs(Number(ln(x)) / 1e18 - Math.log(Number(x) / 1e18))
      if (off > worst) worst = off
    }
    // float64 log errs by ≤ 1 ulp of |ln x| ≤ 21 (3.6e-15): the contract's ln is at least that close
    expect(worst).toBeLessThanOrEqual(EPS_LN_FIXED / 2)
  })
})

describe('black76WithBound', () => {
  it('bounds the distance to the contract price over random forwards, strikes, discounts and vols', () => {
    let seed = 11
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return seed / 2 ** 32
    }
    for (let i = 0; i < 5_000; i++) {
      const F = toE18(10 ** (rnd() * 6 - 1))
      const K = toE18((Number(F) / 1e18) * Math.exp((rnd() - 0.5) * 8))
      const D = toE18(0.8 + 0.2 * rnd())
      const v = toE18(rnd() < 0.1 ? rnd() * 1e-6 : rnd() * 3)
      const isCall = rnd() < 0.5
      const fixed = priceQuote(deriveQuote(F, K, D), v, E)
      const exact = Number(isCall ? fixed.call : fixed.put) / 1e18
      const f = (x: bigint) => Number(x) / 1e18
      const x = black76WithBound(f(F), f(K), f(D), f(v), 1e-18 + 4 * 2 ** -53 * f(F), 3e-18)
      expect(Math.abs((isCall ? x.call : x.put) - exact)).toBeLessThanOrEqual(x.bound)
    }
  })

  it('refuses to bound a moneyness outside [1e-9, 1e9] (the scenario is then computed exactly)', () => {
    expect(black76WithBound(1e10, 1, 1, 0.5, 0, 0).bound).toBe(Number.POSITIVE_INFINITY)
    expect(black76WithBound(1, 1e10, 1, 0.5, 0, 0).bound).toBe(Number.POSITIVE_INFINITY)
  })
})
