import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzEndpointV2 } from '@unimargin/contracts'
import { type DecodedPacket, decodePacket } from '@unimargin/protocol'
import type { Account, Address } from 'viem'
import type { ChainClients } from '../context.js'
import { verifyAsDvn } from './dvn.js'

/**
 * Verifies, as the DVN, every packet on `packet`'s path whose nonce lies between the endpoint's highest contiguous
 * verified nonce and `packet.nonce`: the endpoint executes a packet only once all earlier ones are verified, so a
 * packet whose command was dead-lettered before verification would otherwise hold the path up for good. The
 * missing packets are read from the hub endpoint's `PacketSent` logs since `fromBlock` (they are older than
 * `packet`, hence at least as final).
 * @returns the nonces verified.
 * @throws Error if a missing packet cannot be found on the hub or a verification reverts.
 */
export async function verifyEarlierPackets(params: {
  hub: ChainClients
  hubEndpoint: Address
  fromBlock: bigint
  dest: ChainClients
  lz: LayerZeroChainConfig
  receiver: Address
  account: Account
  packet: DecodedPacket
  confirmations: bigint
}): Promise<bigint[]> {
  const { hub, dest, lz, receiver, packet } = params
  const verifiedUpTo = await dest.public.readContract({
    address: lz.endpoint,
    abi: LzEndpointV2.abi,
    functionName: 'inboundNonce',
    args: [receiver, packet.srcEid, packet.sender],
  })
  if (verifiedUpTo + 1n >= packet.nonce) return []
  const logs = await hub.public.getContractEvents({ address: params.hubEndpoint, abi: LzEndpointV2.abi, eventName: 'PacketSent', fromBlock: params.fromBlock })
  const onPath = new Map(
    logs
      .flatMap((l) => (l.args.encodedPayload ? [decodePacket(l.args.encodedPayload)] : []))
      .filter((p) => p.dstEid === packet.dstEid && p.sender === packet.sender && p.receiver === packet.receiver)
      .map((p) => [p.nonce, p]),
  )
  const verified: bigint[] = []
  for (let nonce = verifiedUpTo + 1n; nonce < packet.nonce; nonce++) {
    const missing = onPath.get(nonce)
    if (!missing) throw new Error(`Packet ${nonce} on the path to eid ${packet.dstEid} is not among the hub's PacketSent logs.`)
    const hash = await dest.public.readContract({
      address: lz.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'inboundPayloadHash',
      args: [receiver, packet.srcEid, packet.sender, nonce],
    })
    if (hash.toLowerCase() === missing.payloadHash.toLowerCase()) continue
    await verifyAsDvn(dest, lz, params.account, missing, params.confirmations)
    verified.push(nonce)
  }
  return verified
}
