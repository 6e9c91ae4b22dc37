import { describe, expect, it } from 'vitest'
import { annualise, deriveBlack76 } from './black76.js'

const E = 10n ** 18n
const U128 = 2n ** 128n - 1n
const DAY = 86_400n
const dec = (s: string) => {
  const [w = '0', f = ''] = s.split('.')
  return BigInt(w) * E + BigInt(f.padEnd(18, '0').slice(0, 18))
}

// Inputs and Python benchmarks of lyra-utils test/math/Black76.t.sol (`testPrices`), checked there to 1e6 wei.
const cases: [string, bigint, bigint, bigint, bigint, bigint, bigint, bigint][] = [
  ['ATM', 7n * DAY, E, 1500n * E, 1500n * E, E, dec('82.805080668634559515'), dec('82.805080668634559515')],
  [
    'OTM call',
    30n * DAY,
    E / 4n,
    1000n * E,
    1200n * E,
    dec('0.9991784198737006'),
    dec('0.137082128426579297'),
    dec('199.972766103166719631'),
  ],
  [
    'deep ITM call',
    2n * DAY,
    (3n * E) / 4n,
    1000n * E,
    700n * E,
    dec('0.9998904169635637'),
    dec('299.967125089526177817'),
    dec('0.00000000045708468'),
  ],
  [
    'total vol over cap',
    365n * DAY,
    25n * E,
    1000n * E,
    700n * E,
    dec('0.9801986733067553'),
    dec('980.198673306755267731'),
    dec('686.139071314728653306'),
  ],
  [
    'large total vol',
    365n * DAY,
    5n * E,
    1000n * E,
    700n * E,
    dec('0.9801986733067553'),
    dec('970.034553583819047162'),
    dec('675.974951591792546424'),
  ],
  ['max strike, 1-wei forward', 365n * DAY, 4n * E, 1n, U128, E, 0n, U128],
  ['max forward, 1-wei strike', 365n * DAY, 4n * E, U128, 1n, E, U128, 0n],
  ['zero strike', 365n * DAY, 4n * E, 1000n * E, 0n, dec('0.99'), 990n * E, 0n],
  ['zero forward', 365n * DAY, 4n * E, 0n, 1000n * E, dec('0.99'), 0n, 990n * E],
]

describe('deriveBlack76', () => {
  it.each(cases)(
    'matches Derive’s benchmark call and put to 1e6 wei: %s',
    (_, sec, vol, forward, strike, discount, call, put) => {
      const p = deriveBlack76({ secToExpiry: sec, vol, forward, strike, discount })
      expect(Number(p.call > call ? p.call - call : call - p.call)).toBeLessThanOrEqual(1e6)
      expect(Number(p.put > put ? p.put - put : put - p.put)).toBeLessThanOrEqual(1e6)
    },
  )

  it('annualises seconds over a 365-day year, truncated', () => {
    expect(annualise(1n)).toBe(31_709_791_983n)
    expect(annualise(365n * DAY)).toBe(E)
  })
})
