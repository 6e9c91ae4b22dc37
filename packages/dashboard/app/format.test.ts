import { describe, expect, it } from 'vitest'
import { decimal, health, usd8 } from './format.js'

describe('usd8', () => {
  it('shows usd8 as dollars and cents, grouped and truncated, exactly beyond 2^53', () => {
    expect(usd8('123456789012')).toBe('$1,234.56')
    expect(usd8('-99')).toBe('−$0.00')
    expect(usd8('-150000000')).toBe('−$1.50')
    expect(usd8(`${2n ** 64n}`)).toBe('$184,467,440,737.09')
  })
})

describe('decimal', () => {
  it('groups the whole part and cuts the fraction to the digits asked, without trailing zeros', () => {
    expect(decimal('1234567.891000', 4)).toBe('1,234,567.891')
    expect(decimal('-0.5')).toBe('−0.5')
    expect(decimal('10.00001', 4)).toBe('10')
  })
})

describe('health', () => {
  it('shows an account without a maintenance requirement as ∞', () => {
    expect(health(null)).toBe('∞')
    expect(health('1.6827')).toBe('1.6827')
  })
})
