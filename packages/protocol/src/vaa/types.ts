import type { Address, Hex } from 'viem'

/**
 * The signed part of a VAA: what the emitter published plus the Wormhole envelope. Field widths are the wire widths
 * (big-endian): `timestamp` u32 (unix seconds of the emitting block), `nonce` u32, `emitterChain` u16 (Wormhole chain
 * id, not the EVM chain id), `emitterAddress` bytes32 (an EVM address left-padded with 12 zero bytes), `sequence` u64
 * (per-emitter counter), `consistencyLevel` u8 (finality requested by the emitter), `payload` (the rest of the body).
 */
export type VaaBody = {
  timestamp: number
  nonce: number
  emitterChain: number
  emitterAddress: Hex
  sequence: bigint
  consistencyLevel: number
  payload: Hex
}

/**
 * One guardian signature as carried in a VAA: `guardianIndex` (u8, position in the guardian set), `r`, `s` (bytes32)
 * and `v`, the secp256k1 recovery id (0 or 1) exactly as on the wire. The EVM core adds 27 before `ecrecover`.
 */
export type GuardianSignature = {
  guardianIndex: number
  signature: { r: Hex; s: Hex; v: number }
}

/** A VAA: header (version 1, guardian set index u32, signatures) followed by the body. */
export type Vaa = VaaBody & {
  version: 1
  guardianSetIndex: number
  signatures: GuardianSignature[]
}

/**
 * A VAA as read from bytes, with the exact body bytes, `digest` = keccak256(keccak256(body)) (what guardians sign,
 * Solidity's `vm.hash`, the key for replay protection) and the original `bytes`. All hex is lowercase.
 */
export type ParsedVaa = Vaa & {
  bodyBytes: Hex
  digest: Hex
  bytes: Hex
}

/**
 * A guardian set as the core contract stores it: `index` (u32) and the guardian addresses in order.
 * `expirationTime` (unix seconds, 0 or absent = never) is set by the core when a newer set replaces this one.
 */
export type GuardianSet = {
  index: number
  keys: readonly Address[]
  expirationTime?: number
}
