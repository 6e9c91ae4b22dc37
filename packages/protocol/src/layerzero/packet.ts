import { calculateGuid, PacketV1Codec } from '@layerzerolabs/lz-v2-utilities'
import type { Hex } from 'viem'
import { bytes32ToAddress } from './address.js'
import { LayerZeroCodecError } from './errors.js'

/** The only packet version EndpointV2's PacketV1Codec writes. */
export const PACKET_VERSION = 1

/** The path and position of a packet: who sent it where, and its nonce on that path (sender → receiver). */
export type PacketHeader = {
  /** source endpoint id */
  srcEid: number
  /** sending OApp, 32 bytes */
  sender: Hex
  /** destination endpoint id */
  dstEid: number
  /** receiving OApp, 32 bytes */
  receiver: Hex
  /** 1-based, per path (srcEid, sender, dstEid, receiver) */
  nonce: bigint
}

/** A LayerZero v2 packet as the source endpoint emits it in `PacketSent`. */
export type Packet = PacketHeader & {
  /** {@link packetGuid} of the header */
  guid: Hex
  /** the OApp's message */
  message: Hex
}

/** A packet with the parts the destination needs: header (81 bytes) and payload (guid ‖ message) with its hash. */
export type DecodedPacket = Packet & { version: number; header: Hex; payload: Hex; payloadHash: Hex }

const U64_MAX = 2n ** 64n - 1n

/**
 * The packet's GUID: keccak256(nonce u64 ‖ srcEid u32 ‖ sender b32 ‖ dstEid u32 ‖ receiver b32).
 * @throws {LayerZeroCodecError} if the nonce does not fit in u64.
 */
export function packetGuid(header: PacketHeader): Hex {
  if (header.nonce < 0n || header.nonce > U64_MAX) throw new LayerZeroCodecError(`nonce ${header.nonce} does not fit in u64`)
  return calculateGuid({
    version: PACKET_VERSION,
    nonce: header.nonce.toString(),
    srcEid: header.srcEid,
    sender: header.sender,
    dstEid: header.dstEid,
    receiver: header.receiver,
  }) as Hex
}

/**
 * Encodes a packet as PacketV1: version u8 ‖ nonce u64 ‖ srcEid u32 ‖ sender b32 ‖ dstEid u32 ‖ receiver b32 ‖
 * guid b32 ‖ message.
 */
export function encodePacket(packet: Packet): Hex {
  return PacketV1Codec.encode({
    version: PACKET_VERSION,
    nonce: packet.nonce.toString(),
    srcEid: packet.srcEid,
    sender: packet.sender,
    dstEid: packet.dstEid,
    receiver: packet.receiver,
    guid: packet.guid,
    message: packet.message,
    payload: '',
  }) as Hex
}

/** Bytes of a PacketV1 header (version, nonce, srcEid, sender, dstEid, receiver) plus the GUID. */
const MIN_PACKET_BYTES = 81 + 32

/**
 * Decodes a PacketV1 (e.g. `PacketSent.encodedPayload`) into its fields, header, payload and payload hash.
 * @throws {LayerZeroCodecError} if it is shorter than header + GUID or its version is not 1.
 */
export function decodePacket(encoded: Hex): DecodedPacket {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(encoded) || (encoded.length - 2) / 2 < MIN_PACKET_BYTES)
    throw new LayerZeroCodecError(`a PacketV1 has at least ${MIN_PACKET_BYTES} bytes, got ${(encoded.length - 2) / 2}`)
  const codec = PacketV1Codec.from(encoded)
  if (codec.version() !== PACKET_VERSION) throw new LayerZeroCodecError(`unsupported packet version ${codec.version()}`)
  return {
    version: codec.version(),
    nonce: BigInt(codec.nonce()),
    srcEid: codec.srcEid(),
    sender: codec.sender() as Hex,
    dstEid: codec.dstEid(),
    receiver: codec.receiver() as Hex,
    guid: codec.guid() as Hex,
    message: codec.message() as Hex,
    header: codec.header() as Hex,
    payload: codec.payload() as Hex,
    payloadHash: codec.payloadHash() as Hex,
  }
}

/**
 * One packet as `LzWorker.deliver` takes it (struct `Delivery`): what the DVN verifies (header, payload hash) and
 * what the executor hands `EndpointV2.lzReceive` (origin, receiver, GUID, message), with the lzReceive gas limit.
 * @param gas lzReceive gas, the amount the sender's executor options asked for
 * @throws {LayerZeroCodecError} if the packet's receiver is not a 20-byte address padded to 32 bytes.
 */
export function workerDelivery(packet: DecodedPacket, gas: bigint) {
  return {
    header: packet.header,
    payloadHash: packet.payloadHash,
    origin: { srcEid: packet.srcEid, sender: packet.sender, nonce: packet.nonce },
    receiver: bytes32ToAddress(packet.receiver),
    guid: packet.guid,
    message: packet.message,
    gas,
  }
}
