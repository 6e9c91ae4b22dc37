import { LzEndpointV2, MarginHub } from '@unimargin/contracts'
import { type DecodedPacket, decodePacket } from '@unimargin/protocol'
import { type Hex, parseEventLogs } from 'viem'
import type { ChainClients } from '../context.js'

/** A packet MarginHub sent, with where it was sent. */
export type SentPacket = { packet: DecodedPacket; commandId: Hex; txHash: Hex; blockNumber: bigint; nativeFee: bigint }

/**
 * The packet a `MarginHub.publishLz` transaction sent: its `CommandSentLz` and the endpoint's matching
 * `PacketSent`, decoded.
 * @throws Error if the transaction reverted or carries no such pair.
 */
export async function sentPacketOf(hub: ChainClients, hubAddress: Hex, txHash: Hex): Promise<SentPacket> {
  const receipt = await hub.public.waitForTransactionReceipt({ hash: txHash })
  if (receipt.status !== 'success') throw new Error(`publishLz transaction ${txHash} reverted.`)
  const [sent] = parseEventLogs({ abi: MarginHub.abi, logs: receipt.logs, eventName: 'CommandSentLz' }).filter(
    (l) => l.address.toLowerCase() === hubAddress.toLowerCase(),
  )
  if (!sent) throw new Error(`Transaction ${txHash} emitted no CommandSentLz.`)
  const packet = parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketSent' })
    .map((l) => decodePacket(l.args.encodedPayload))
    .find((p) => p.guid === sent.args.guid)
  if (!packet) throw new Error(`Transaction ${txHash} emitted no PacketSent with GUID ${sent.args.guid}.`)
  return { packet, commandId: sent.args.commandId, txHash, blockNumber: receipt.blockNumber, nativeFee: sent.args.nativeFee }
}
