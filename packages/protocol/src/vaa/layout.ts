import type { CustomConversion, Layout } from '@wormhole-foundation/sdk-base'
import { bytesToHex, hexToBytes, type Hex } from 'viem'

const hexConversion: CustomConversion<Uint8Array, Hex> = {
  to: (bytes) => bytesToHex(bytes),
  from: (hex) => hexToBytes(hex),
}

/** Byte length of one signature entry: guardian index (1) + r (32) + s (32) + v (1). */
export const SIGNATURE_SIZE = 66
/** Byte length of the body before the payload: 4 + 4 + 2 + 32 + 8 + 1. */
export const BODY_FIXED_SIZE = 51

/**
 * One signature entry, as the EVM core's `Messages.parseVM` reads it: `guardianIndex` u8, `r` bytes32, `s` bytes32,
 * `v` u8 holding the recovery id 0/1 (`parseVM` adds 27).
 */
export const guardianSignatureLayout = [
  { name: 'guardianIndex', binary: 'uint', size: 1 },
  {
    name: 'signature',
    binary: 'bytes',
    layout: [
      { name: 'r', binary: 'bytes', size: 32, custom: hexConversion },
      { name: 's', binary: 'bytes', size: 32, custom: hexConversion },
      { name: 'v', binary: 'uint', size: 1 },
    ],
  },
] as const satisfies Layout

/**
 * VAA header: `version` u8 (checked by the parser, 1), `guardianSetIndex` u32, then a u8 count and the signatures.
 * Source: Wormhole whitepaper 0001_generic_message_passing.md and `ethereum/contracts/Messages.sol`.
 */
export const vaaHeaderLayout = [
  { name: 'version', binary: 'uint', size: 1 },
  { name: 'guardianSetIndex', binary: 'uint', size: 4 },
  { name: 'signatures', binary: 'array', lengthSize: 1, layout: guardianSignatureLayout },
] as const satisfies Layout

/** VAA body: the fields of {@link VaaBody} in wire order; `payload` runs to the end of the bytes. */
export const vaaBodyLayout = [
  { name: 'timestamp', binary: 'uint', size: 4 },
  { name: 'nonce', binary: 'uint', size: 4 },
  { name: 'emitterChain', binary: 'uint', size: 2 },
  { name: 'emitterAddress', binary: 'bytes', size: 32, custom: hexConversion },
  { name: 'sequence', binary: 'uint', size: 8 },
  { name: 'consistencyLevel', binary: 'uint', size: 1 },
  { name: 'payload', binary: 'bytes', custom: hexConversion },
] as const satisfies Layout
