import { describe, expect, it } from 'vitest'
import { formatFixed, usd } from './format.js'

describe('formatFixed', () => {
  it('groups thousands and truncates toward zero without floats', () => {
    expect(formatFixed(123456789012n, 8)).toBe('1,234.56')
    expect(formatFixed(-100_000_000_000_000n, 8)).toBe('-1,000,000.00')
    expect(formatFixed(5n * 10n ** 18n, 18, 4)).toBe('5.0000')
    expect(usd(-1n)).toBe('-$0.00')
  })
})
