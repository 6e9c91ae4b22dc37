import { secp256k1 } from '@noble/curves/secp256k1'
import { type Address, hexToBigInt, hexToBytes, isAddressEqual, type Hex } from 'viem'
import { publicKeyToAddress } from 'viem/accounts'
import { parseVaa } from './codec.js'
import { VaaParseError, VaaVerificationError } from './errors.js'
import type { GuardianSet, ParsedVaa } from './types.js'

/**
 * Minimum number of guardian signatures for a VAA: floor(2n/3) + 1.
 * Source: Wormhole core `ethereum/contracts/Getters.sol` `quorum()` and whitepaper 0001 ("two-thirds + 1").
 * @param guardianCount number of guardians in the set (the core refuses sets of 256 or more).
 * @returns the quorum, e.g. 13 for 19 guardians, 1 for 1.
 */
export function quorum(guardianCount: number): number {
  return Math.floor((guardianCount * 2) / 3) + 1
}

/** Result of a successful {@link verifyVaa}. */
export type VerifiedVaa = {
  vaa: ParsedVaa
  /** Guardian addresses that signed, in signature order. */
  signers: Address[]
  /** The quorum the signatures met. */
  quorum: number
}

/** Options of {@link verifyVaa}. */
export type VerifyVaaOptions = {
  /** Unix seconds used to check `guardianSet.expirationTime`; default: now. */
  nowSeconds?: number
}

/**
 * Verifies a VAA off-chain the way the EVM core's `verifyVMInternal` + `verifySignatures` do, in the same order:
 * non-empty guardian set, guardian set not expired, signature count ≥ {@link quorum}, then for each signature:
 * it recovers (v ∈ {0,1}, r and s in range; high-s is accepted as `ecrecover` does), guardian indices strictly
 * ascending, index within the set, recovered address equals the guardian at that index.
 * It additionally requires the VAA's guardian set index to equal `guardianSet.index` (the core looks the set up
 * by that index; here the caller supplies it).
 * @param vaa the VAA as 0x-hex, bytes, or already parsed.
 * @param guardianSet the guardian set the VAA claims (see {@link GuardianSet}).
 * @param options clock for the expiry check.
 * @returns the parsed VAA, its signers and the quorum.
 * @throws {VaaVerificationError} with `reason` 'malformed', 'wrong guardian set', 'invalid guardian set',
 *   'guardian set has expired', 'no quorum', 'signature indices must be ascending', 'guardian index out of bounds'
 *   or 'bad signature' (with `location.signatureIndex` / `location.guardianIndex`).
 */
export function verifyVaa(
  vaa: Hex | Uint8Array | ParsedVaa,
  guardianSet: GuardianSet,
  options: VerifyVaaOptions = {},
): VerifiedVaa {
  let parsed: ParsedVaa
  try {
    parsed = typeof vaa === 'string' || vaa instanceof Uint8Array ? parseVaa(vaa) : vaa
  } catch (cause) {
    if (cause instanceof VaaParseError) throw new VaaVerificationError('malformed', cause.message, {}, { cause })
    throw cause
  }
  if (parsed.guardianSetIndex !== guardianSet.index) {
    throw new VaaVerificationError(
      'wrong guardian set',
      `the VAA is signed by guardian set ${parsed.guardianSetIndex}, but guardian set ${guardianSet.index} was given`,
    )
  }
  const n = guardianSet.keys.length
  if (n === 0) throw new VaaVerificationError('invalid guardian set', `guardian set ${guardianSet.index} has no keys`)
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000)
  if (guardianSet.expirationTime && guardianSet.expirationTime < now) {
    throw new VaaVerificationError(
      'guardian set has expired',
      `guardian set ${guardianSet.index} expired at ${guardianSet.expirationTime} (now ${now})`,
    )
  }
  const needed = quorum(n)
  if (parsed.signatures.length < needed) {
    throw new VaaVerificationError(
      'no quorum',
      `${parsed.signatures.length} signatures, guardian set ${guardianSet.index} of ${n} needs ${needed}`,
    )
  }
  const digest = hexToBytes(parsed.digest)
  const signers: Address[] = []
  parsed.signatures.forEach(({ guardianIndex, signature }, i) => {
    const location = { signatureIndex: i, guardianIndex }
    const signatory = recoverSigner(digest, signature)
    if (signatory === undefined) {
      throw new VaaVerificationError('bad signature', `signature ${i} (guardian ${guardianIndex}) does not recover`, location)
    }
    if (i > 0 && guardianIndex <= parsed.signatures[i - 1]!.guardianIndex) {
      throw new VaaVerificationError(
        'signature indices must be ascending',
        `signature ${i} has guardian index ${guardianIndex} after ${parsed.signatures[i - 1]!.guardianIndex}`,
        location,
      )
    }
    const expected = guardianSet.keys[guardianIndex]
    if (expected === undefined) {
      throw new VaaVerificationError(
        'guardian index out of bounds',
        `signature ${i} names guardian ${guardianIndex}, guardian set ${guardianSet.index} has ${n}`,
        location,
      )
    }
    if (!isAddressEqual(signatory, expected)) {
      throw new VaaVerificationError(
        'bad signature',
        `signature ${i} recovers to ${signatory}, not guardian ${guardianIndex} (${expected})`,
        location,
      )
    }
    signers.push(expected)
  })
  return { vaa: parsed, signers, quorum: needed }
}

/** ecrecover semantics: undefined where the precompile returns address(0). */
function recoverSigner(digest: Uint8Array, signature: { r: Hex; s: Hex; v: number }): Address | undefined {
  if (signature.v !== 0 && signature.v !== 1) return undefined
  try {
    const point = new secp256k1.Signature(hexToBigInt(signature.r), hexToBigInt(signature.s))
      .addRecoveryBit(signature.v)
      .recoverPublicKey(digest)
    return publicKeyToAddress(`0x${point.toHex(false)}`)
  } catch {
    return undefined
  }
}
