import { describe, expect, it } from 'vitest'
import { InvalidHexError, normalizeHex, normalizeOptionalHex } from './hex.js'

describe('normalizeHex', () => {
  it('lower-cases 0x-hex, leaving it otherwise as it is', () => {
    expect(normalizeHex('0xABcd', 'f')).toBe('0xabcd')
    expect(normalizeHex('0x', 'f')).toBe('0x')
    expect(normalizeOptionalHex(null, 'f')).toBeNull()
    expect(normalizeOptionalHex(undefined, 'f')).toBeUndefined()
    expect(normalizeOptionalHex('0xFF', 'f')).toBe('0xff')
  })

  it('refuses anything but 0x-prefixed hex digits, naming the field', () => {
    for (const bad of ['abcd', '0Xab', '0xg1', ' 0xab', '', 'x0'])
      expect(() => normalizeHex(bad, 'commands.vaa')).toThrow(new InvalidHexError('commands.vaa', bad))
    expect(() => normalizeHex(42 as unknown as string, 'commands.vaa')).toThrow(/commands\.vaa must be 0x-prefixed hex, got 42/)
  })
})
