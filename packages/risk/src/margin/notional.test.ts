import { describe, expect, it } from 'vitest'
import { positionNotionalUsd8 } from './notional.js'

describe('positionNotionalUsd8', () => {
  it('is |size| × mark for a long and a short alike', () => {
    expect(positionNotionalUsd8(15n * 10n ** 17n, 2000_00000000n)).toBe(3000_00000000n)
    expect(positionNotionalUsd8(-15n * 10n ** 17n, 2000_00000000n)).toBe(3000_00000000n)
  })

  it('rounds a fraction of a usd8 unit up, against the account', () => {
    expect(positionNotionalUsd8(1n, 1n)).toBe(1n)
  })

  it('counts a negative mark as 0', () => {
    expect(positionNotionalUsd8(10n ** 18n, -5n)).toBe(0n)
  })
})
