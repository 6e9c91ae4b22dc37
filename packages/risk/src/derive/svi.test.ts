import { describe, expect, it } from 'vitest'
import { DeriveMathError } from './fixedPoint.js'
import { type DeriveSviParams, sviK, sviVol } from './svi.js'

const E = 10n ** 18n
const d = (x: number) => BigInt(Math.round(x * 1e18))
const near = (x: bigint, y: bigint, wei: bigint) => expect(x > y ? x - y : y - x).toBeLessThanOrEqual(wei)
const defaults = (forward: bigint): DeriveSviParams => ({
  a: d(0.01),
  b: d(0.01),
  sigma: d(0.05),
  rho: d(-0.04),
  m: d(0.03),
  tau: d(0.03287671232),
  forward,
})

// Parameters and figures of lyra-utils test/math/SVI.t.sol, checked there to 1e4 wei.
describe('sviVol', () => {
  it('reproduces Derive’s vols at four strikes on a 14-day surface', () => {
    const p: DeriveSviParams = {
      tau: d(0.038356164383561646),
      a: d(0.027616438356164386),
      b: d(0.041424657534246574),
      rho: d(0.003452054794520548),
      m: d(0.001726027397260274),
      sigma: d(0.000345205479452055),
      forward: 1805n * E,
    }
    const expected = [d(0.9597244734120128), d(0.8513856076969522), d(0.939244986304054), d(1.0133571334275668)]
    const strikes = [1500n, 1800n, 2100n, 2400n]
    for (let i = 0; i < 4; i++) near(sviVol(strikes[i]! * E, p), expected[i]!, 10n ** 4n + 10n ** 2n)
  })

  it('caps log-moneyness at ±4·√(a + b·σ) on both wings', () => {
    const p = defaults(2000n * E)
    expect(sviK(2_000_000n * E, p) / 10n ** 12n).toBe(409_878n)
    expect(sviVol(2_000_000n * E, p) / 10n ** 12n).toBe(645_048n)
    expect(sviK(E, p) / 10n ** 12n).toBe(-409_878n)
    expect(sviVol(E, p) / 10n ** 12n).toBe(666_465n)
  })

  it('caps total variance at 144', () => {
    const p: DeriveSviParams = {
      a: 2n * E,
      b: d(0.6),
      sigma: d(0.3),
      rho: d(-0.02),
      m: d(0.03),
      tau: d(0.03835616438),
      forward: 2000n * E,
    }
    expect(sviVol(200_000n * E, p) / 10n ** 12n).toBe(11_064_985n)
  })

  it('gives 0 for a zero strike and throws where the contract reverts', () => {
    expect(sviVol(0n, defaults(2000n * E))).toBe(0n)
    expect(() => sviVol(1800n * E, defaults(0n))).toThrow(DeriveMathError)
    expect(() => sviVol(1800n * E, { ...defaults(1800n * E), a: -10n * E })).toThrow(DeriveMathError)
  })
})
