import { type Hex, isHex, size } from 'viem'
import type { ParsedVaa, VaaBody } from './types.js'

/**
 * A Wormhole message as the relayer observed it in the core contract's `LogMessagePublished` event
 * (`sender`, `sequence`, `nonce`, `payload`, `consistencyLevel`) plus the emitting chain's Wormhole chain id and the
 * block timestamp. `emitterAddress` is the sender left-padded to bytes32. Same fields and widths as {@link VaaBody}.
 */
export type MessageObservation = VaaBody

const FIELDS = ['emitterChain', 'emitterAddress', 'sequence', 'nonce', 'timestamp', 'consistencyLevel', 'payload'] as const

/**
 * Lists the body fields where a VAA differs from an observation (hex compared case-insensitively).
 * @returns the names of the differing fields; empty when the VAA attests exactly this observation.
 */
export function observationMismatches(vaa: ParsedVaa, observation: MessageObservation): string[] {
  return FIELDS.filter((field) => {
    const a = vaa[field]
    const b = observation[field]
    return typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() !== b.toLowerCase() : a !== b
  })
}

/**
 * Checks that an emitter address is a bytes32 hex string.
 * @throws {TypeError} naming the value otherwise (an EVM address must be left-padded to 32 bytes first, e.g. with
 *   viem's `pad(address, { size: 32 })`).
 */
export function assertBytes32(value: Hex, what: string): void {
  if (!isHex(value, { strict: true }) || size(value) !== 32) {
    throw new TypeError(`${what} must be 32 bytes of 0x-hex (left-pad an EVM address to 32 bytes), got ${value}`)
  }
}
