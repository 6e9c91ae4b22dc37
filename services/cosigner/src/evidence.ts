import type { CheckpointEvidence } from '@unimargin/protocol'
import { getAddress, type Hex, isAddress, isHex } from 'viem'
import { z } from 'zod'

const MAX_UINT256 = 2n ** 256n - 1n
const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), 'must be a 0x-hex address')
  .transform((v) => getAddress(v))
const uint = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, 'must be a decimal integer string')
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_UINT256, 'must fit in uint256')
const leaf = z
  .tuple([address, address, uint, uint, uint])
  .transform(([account, asset, entitlement, creditedAt, debitedAt]) => ({ account, asset, entitlement, creditedAt, debitedAt }))

/**
 * `evidence` of `POST /v1/cosign` (see `CheckpointEvidenceWire` in the protocol package): leaves as tuples
 * `[account, asset, entitlement, creditedAt, debitedAt]` (amounts as decimal strings, base units), epochs and blocks
 * as decimal strings. Parses into {@link CheckpointEvidence}; an issue names its field (`evidence.leaves.3.2`).
 */
export const checkpointEvidenceSchema: z.ZodType<CheckpointEvidence, unknown> = z.strictObject({
  leaves: z.array(leaf),
  otherVaults: z.array(
    z.strictObject({
      chainId: z.number().int().positive(),
      epoch: uint,
      asOfBlock: uint,
      root: z
        .string()
        .refine((v) => isHex(v) && v.length === 66, 'must be a 0x-hex bytes32')
        .transform((v) => v.toLowerCase() as Hex),
      leaves: z.array(leaf),
    }),
  ),
})
