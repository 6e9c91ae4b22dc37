import { deserializeLayout, serializeLayout } from '@wormhole-foundation/sdk-base'
import { bytesToHex, type Hex, hexToBytes, isHex, keccak256 } from 'viem'
import { VaaParseError } from './errors.js'
import { BODY_FIXED_SIZE, SIGNATURE_SIZE, vaaBodyLayout, vaaHeaderLayout } from './layout.js'
import type { ParsedVaa, Vaa, VaaBody } from './types.js'

/**
 * Encodes a VAA body (the bytes guardians sign over).
 * @param body see {@link VaaBody}; `emitterAddress` must be 32 bytes.
 * @returns the body as 0x-hex (51 bytes + payload).
 * @throws if a field is out of range for its width or `emitterAddress` is not 32 bytes (from the layout serializer).
 */
export function serializeVaaBody(body: VaaBody): Hex {
  return bytesToHex(serializeLayout(vaaBodyLayout, pickBody(body)))
}

/**
 * The digest guardians sign: keccak256(keccak256(body)). This is Solidity's `vm.hash` and the key for on-chain
 * replay protection. (The TypeScript SDK's `vaa.hash` is the single keccak256(body): do not confuse the two.)
 * @param body the body, either as fields or as its encoded bytes.
 * @returns the 32-byte digest as 0x-hex.
 */
export function vaaDigest(body: VaaBody | Hex | Uint8Array): Hex {
  const bytes = typeof body === 'string' || body instanceof Uint8Array ? body : serializeVaaBody(body)
  return keccak256(keccak256(bytes))
}

/**
 * Encodes a full VAA: version 1, guardian set index, signatures in the given order, then the body.
 * @param vaa header and body fields; `version` may be omitted (always 1).
 * @returns the VAA as 0x-hex, the form a vault's `parseAndVerifyVM` accepts.
 * @throws if a field is out of range for its width or there are more than 255 signatures (layout serializer).
 */
export function serializeVaa(vaa: Omit<Vaa, 'version'> & { version?: 1 }): Hex {
  const header = serializeLayout(vaaHeaderLayout, {
    version: 1,
    guardianSetIndex: vaa.guardianSetIndex,
    signatures: vaa.signatures,
  })
  return bytesToHex(new Uint8Array([...header, ...hexToBytes(serializeVaaBody(vaa))]))
}

/**
 * Decodes a VAA. Does not check any signature (see `verifyVaa`).
 * @param vaa the VAA as 0x-hex or raw bytes.
 * @returns header, signatures and body fields (`sequence` as bigint), plus `bodyBytes`, `digest`
 *   (keccak256(keccak256(body)), Solidity's `vm.hash`) and the original `bytes`.
 * @throws {VaaParseError} if the input is not hex, the version is not 1, or the bytes end inside the header,
 *   a signature or the fixed 51 body bytes (the same cases the EVM core's `parseVM` reverts on).
 */
export function parseVaa(vaa: Hex | Uint8Array): ParsedVaa {
  if (typeof vaa === 'string' && !isHex(vaa, { strict: true })) throw new VaaParseError('input is not 0x-prefixed hex')
  const bytes = typeof vaa === 'string' ? hexToBytes(vaa) : vaa
  if (bytes.length < 6) throw new VaaParseError(`${bytes.length} bytes is shorter than the 6-byte header`)
  const version = bytes[0]
  if (version !== 1) throw new VaaParseError(`version ${version}, only version 1 exists`)
  const signatureCount = bytes[5]!
  const bodyOffset = 6 + SIGNATURE_SIZE * signatureCount
  if (bytes.length < bodyOffset + BODY_FIXED_SIZE) {
    throw new VaaParseError(
      `${bytes.length} bytes cannot hold ${signatureCount} signatures and a ${BODY_FIXED_SIZE}-byte body ` +
        `(need at least ${bodyOffset + BODY_FIXED_SIZE})`,
    )
  }
  const headerBytes = bytes.subarray(0, bodyOffset)
  const bodyBytes = bytes.subarray(bodyOffset)
  let header: ReturnType<typeof deserializeLayout<typeof vaaHeaderLayout>>
  let body: ReturnType<typeof deserializeLayout<typeof vaaBodyLayout>>
  try {
    header = deserializeLayout(vaaHeaderLayout, headerBytes)
    body = deserializeLayout(vaaBodyLayout, bodyBytes)
  } catch (cause) {
    throw new VaaParseError((cause as Error).message, { cause })
  }
  return {
    version: 1,
    guardianSetIndex: header.guardianSetIndex,
    signatures: header.signatures.map((s) => ({
      guardianIndex: s.guardianIndex,
      signature: { r: s.signature.r, s: s.signature.s, v: s.signature.v },
    })),
    ...body,
    bodyBytes: bytesToHex(bodyBytes),
    digest: keccak256(keccak256(bodyBytes)),
    bytes: bytesToHex(bytes),
  }
}

function pickBody(body: VaaBody): VaaBody {
  const { timestamp, nonce, emitterChain, emitterAddress, sequence, consistencyLevel, payload } = body
  return { timestamp, nonce, emitterChain, emitterAddress, sequence, consistencyLevel, payload }
}
