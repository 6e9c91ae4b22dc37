import { z } from '@hono/zod-openapi'
import { getAddress, isAddress } from 'viem'

/** A decimal integer in a string (token base units, usd8, 1e18 sizes, blocks): parse it with `BigInt`. */
export const IntString = z.string().openapi({ description: 'decimal integer (parse with BigInt)', example: '290000000000' })
/** A decimal number in a string for display, e.g. `2900.5` for 290050000000 usd8: never for arithmetic. */
export const DecimalString = z.string().openapi({ description: 'the integer beside it scaled by its decimals, for display', example: '2900.5' })
export const AddressString = z.string().openapi({ example: '0x00000000000000000000000000000000000a11cE' })
export const IsoTime = z.string().openapi({ description: 'ISO 8601', example: '2026-12-07T12:00:00.000Z' })

/** `:address` path parameter, checksummed after validation. */
export const AddressParams = z.object({
  address: z
    .string()
    .refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
    .transform((v) => getAddress(v))
    .openapi({ param: { name: 'address', in: 'path' }, example: '0x00000000000000000000000000000000000a11cE' }),
})
