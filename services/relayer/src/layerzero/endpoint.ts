import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzEndpointV2 } from '@unimargin/contracts'
import type { DecodedPacket } from '@unimargin/protocol'
import type { Address } from 'viem'
import type { ChainClients } from '../send/chainClients.js'

/**
 * Where a packet stands on its destination endpoint: `unverified` (no payload hash committed), `verified`
 * (committed, waiting for `lzReceive`), `executed` (its payload hash was cleared by a successful `lzReceive`), or
 * `foreign` (another payload hash sits at its nonce: not the packet we sent, so never delivered by us).
 */
export type PacketStatus = 'unverified' | 'verified' | 'executed' | 'foreign'

const EMPTY = `0x${'00'.repeat(32)}`

/** Reads the endpoint's inbound payload hash and lazy nonce for `packet` on `receiver`. */
export async function packetStatus(dest: ChainClients, lz: LayerZeroChainConfig, receiver: Address, packet: DecodedPacket): Promise<PacketStatus> {
  const [hash, lazyNonce] = await Promise.all([
    dest.public.readContract({
      address: lz.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'inboundPayloadHash',
      args: [receiver, packet.srcEid, packet.sender, packet.nonce],
    }),
    dest.public.readContract({
      address: lz.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'lazyInboundNonce',
      args: [receiver, packet.srcEid, packet.sender],
    }),
  ])
  if (hash.toLowerCase() === packet.payloadHash.toLowerCase()) return 'verified'
  if (hash === EMPTY) return packet.nonce <= lazyNonce ? 'executed' : 'unverified'
  return 'foreign'
}
