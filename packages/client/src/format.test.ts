import { describe, expect, it } from 'vitest'
import { formatAmount, formatBps, formatHealth, formatUsd8 } from './format.js'

describe('formatters', () => {
  it('write usd8 exactly, from decimal strings or bigints, beyond 2^53', () => {
    expect(formatUsd8('290050000000')).toBe('2900.5')
    expect(formatUsd8(-1n)).toBe('-0.00000001')
    expect(formatUsd8('123456789012345678901234567890')).toBe('1234567890123456789012.3456789')
  })

  it('round usd8 half away from zero to the digits asked, keeping trailing zeros', () => {
    expect(formatUsd8(290050000000n, { fractionDigits: 2 })).toBe('2900.50')
    expect(formatUsd8(100500000n, { fractionDigits: 2 })).toBe('1.01')
    expect(formatUsd8(100499999n, { fractionDigits: 2 })).toBe('1.00')
    expect(formatUsd8(-100500000n, { fractionDigits: 2 })).toBe('-1.01')
    expect(formatUsd8(-100000n, { fractionDigits: 2 })).toBe('0.00')
    expect(formatUsd8(150000000n, { fractionDigits: 0 })).toBe('2')
  })

  it('write token base units in whole tokens with the token decimals', () => {
    expect(formatAmount('1500000', 6)).toBe('1.5')
    expect(formatAmount(10n ** 18n, 18, { fractionDigits: 4 })).toBe('1.0000')
    expect(formatAmount('1', 18, { fractionDigits: 4 })).toBe('0.0000')
  })

  it('write health bps as a percentage with two digits, and null for an account without a requirement', () => {
    expect(formatHealth('15234')).toBe('152.34%')
    expect(formatHealth(10000n)).toBe('100.00%')
    expect(formatHealth('-2500')).toBe('-25.00%')
    expect(formatHealth('15255', { fractionDigits: 1 })).toBe('152.6%')
    expect(formatHealth(null)).toBeNull()
  })

  it('write bps as a percentage', () => {
    expect(formatBps(250)).toBe('2.5%')
    expect(formatBps('1')).toBe('0.01%')
    expect(formatBps(1000n, { fractionDigits: 1 })).toBe('10.0%')
  })

  it('refuse a string that is not a decimal integer', () => {
    expect(() => formatUsd8('1.5')).toThrow(SyntaxError)
  })
})
