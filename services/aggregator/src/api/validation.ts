import { z } from 'zod'

export const INT256_MIN = -(2n ** 255n)
export const INT256_MAX = 2n ** 255n - 1n
export const UINT256_MAX = 2n ** 256n - 1n

/**
 * A decimal integer in a JSON string (integers above 2^53 do not survive JSON numbers), parsed to a bigint within
 * `[min, max]`. A string with more digits than the bounds have is refused by its length before it is parsed, so a
 * long one costs no `BigInt` parse (a 20 MB integer once held the event loop for 17 s).
 * @param fits the range's name for messages (`int256`)
 * @param unit what the integer counts, for messages (`18 decimals`)
 * @example const size = decimalInteger({ min: INT256_MIN, max: INT256_MAX, fits: 'int256', unit: '18 decimals' })
 */
export function decimalInteger({ min, max, fits, unit }: { min: bigint; max: bigint; fits: string; unit: string }) {
  const digits = Math.max(String(min < 0n ? -min : min).length, String(max).length)
  const signed = min < 0n
  const pattern = new RegExp(signed ? `^-?\\d{1,${digits}}$` : `^\\d{1,${digits}}$`)
  return z
    .string()
    .regex(pattern, `must be ${signed ? 'a signed' : 'an unsigned'} decimal integer of at most ${digits} digits (${fits}, ${unit})`)
    .transform((v) => BigInt(v))
    .refine((v) => v >= min && v <= max, `must fit ${fits} (${unit})`)
}
