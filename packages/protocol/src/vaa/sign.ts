import { secp256k1 } from '@noble/curves/secp256k1'
import { type Hex, hexToBytes, numberToHex } from 'viem'
import { serializeVaa, serializeVaaBody, vaaDigest } from './codec.js'
import { VaaSigningError } from './errors.js'
import type { GuardianSignature, VaaBody } from './types.js'

/** Options of {@link signVaa}. */
export type SignVaaOptions = {
  /** Index (u32) of the guardian set the keys belong to, written into the VAA header. */
  guardianSetIndex: number
  /** Guardian indices that sign (positions in `guardianKeys`); default: all. Any order; duplicates are refused. */
  signerIndices?: readonly number[]
}

/**
 * Signs a VAA body with local guardian keys (a devnet or test guardian network).
 *
 * Each signer signs the digest keccak256(keccak256(body)) with secp256k1 (RFC 6979, low-s) and is written with its
 * real index in the guardian set, in ascending order as the core contract requires; `v` is the recovery id 0/1
 * (the EVM core adds 27 when parsing).
 * @param body the message to attest (see {@link VaaBody}).
 * @param guardianKeys the whole guardian set's private keys (32-byte 0x-hex), in guardian-set order.
 * @param options guardian set index and, optionally, the subset of guardians that sign.
 * @returns the signed VAA as 0x-hex.
 * @throws {VaaSigningError} if there are no keys, a signer index is out of range or repeated, or a key is invalid.
 * @example signVaa(body, devnetKeys, { guardianSetIndex: 0, signerIndices: [0, 2, 5] })
 */
export function signVaa(body: VaaBody, guardianKeys: readonly Hex[], options: SignVaaOptions): Hex {
  if (guardianKeys.length === 0) throw new VaaSigningError('no guardian keys given')
  const indices = [...(options.signerIndices ?? guardianKeys.map((_, i) => i))].sort((a, b) => a - b)
  indices.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0 || index >= guardianKeys.length) {
      throw new VaaSigningError(`signer index ${index} is not in a guardian set of ${guardianKeys.length} keys`)
    }
    if (i > 0 && indices[i - 1] === index) throw new VaaSigningError(`signer index ${index} is listed twice`)
  })
  const digest = hexToBytes(vaaDigest(serializeVaaBody(body)))
  const signatures = indices.map((guardianIndex): GuardianSignature => {
    let sig: ReturnType<typeof secp256k1.sign>
    try {
      sig = secp256k1.sign(digest, hexToBytes(guardianKeys[guardianIndex]!), { lowS: true })
    } catch (cause) {
      throw new VaaSigningError(`the key of guardian ${guardianIndex} is not a valid secp256k1 private key (${cause})`)
    }
    return {
      guardianIndex,
      signature: { r: numberToHex(sig.r, { size: 32 }), s: numberToHex(sig.s, { size: 32 }), v: sig.recovery },
    }
  })
  return serializeVaa({ ...body, guardianSetIndex: options.guardianSetIndex, signatures })
}
