import type { Hex } from 'viem'
import { UnimarginError } from '@unimargin/errors'

/** Thrown when a value bound for a hex column is not 0x-prefixed hexadecimal. */
export class InvalidHexError extends UnimarginError {
  override name = 'InvalidHexError'
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} must be 0x-prefixed hex, got ${typeof value === 'string' ? `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'` : String(value)}.`)
  }
}

const HEX = /^0x[0-9a-fA-F]*$/

/**
 * The one spelling of a hash, payload, signature or id stored in a hex column: lower-case 0x-hex (addresses are
 * stored checksummed instead, with viem `getAddress`). Every write of such a column goes through it, so a lookup by
 * `eq(column, value)` never misses a row over letter case.
 * @param field the column's name, for the error
 * @throws {InvalidHexError} naming `field` when `value` is not a string of 0x-prefixed hex digits.
 * @example normalizeHex('0xABcd', 'commands.id') // '0xabcd'
 */
export function normalizeHex(value: string, field: string): Hex {
  if (typeof value !== 'string' || !HEX.test(value)) throw new InvalidHexError(field, value)
  return value.toLowerCase() as Hex
}

/** {@link normalizeHex} for a nullable column: `null` and `undefined` pass through unchanged. */
export function normalizeOptionalHex<T extends null | undefined>(value: string | T, field: string): Hex | T {
  return value === null || value === undefined ? (value as T) : normalizeHex(value, field)
}
