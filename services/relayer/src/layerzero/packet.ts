
import { type DecodedPacket, decodePacket } from '@unimargin/protocol'
import { type Hex, parseEventLogs } from 'viem'
import type { ChainClients } from '../send/chainClients.js'
import { COMMAND_SENT_LZ, PACKET_SENT } from '../events.js'
import { StepFailedError } from '../errors.js'

/** A packet MarginHub sent, with where it was sent. */
export type SentPacket = { packet: DecodedPacket; commandId: Hex; txHash: Hex; blockNumber: bigint; nativeFee: bigint }

/**
 * The packets a `MarginHub.publishLz` or `publishLzBatch` transaction sent: each `CommandSentLz` with the
 * endpoint's `PacketSent` of the same GUID, decoded.
 * @returns them by command id (lower-case hex).
 * @throws Error if the transaction reverted, or a `CommandSentLz` has no matching `PacketSent`.
 */
export async function sentPacketsOf(hub: ChainClients, hubAddress: Hex, txHash: Hex): Promise<Map<string, SentPacket>> {
  const receipt = await hub.public.waitForTransactionReceipt({ hash: txHash })
  if (receipt.status !== 'success') throw new StepFailedError(`publishLz transaction ${txHash} reverted.`)
  const packets = new Map(
    parseEventLogs({ abi: PACKET_SENT, logs: receipt.logs, eventName: 'PacketSent' }).map((l) => {
      const p = decodePacket(l.args.encodedPayload)
      return [p.guid.toLowerCase(), p]
    }),
  )
  const sent = new Map<string, SentPacket>()
  for (const l of parseEventLogs({ abi: COMMAND_SENT_LZ, logs: receipt.logs, eventName: 'CommandSentLz' })) {
    if (l.address.toLowerCase() !== hubAddress.toLowerCase()) continue
    const packet = packets.get(l.args.guid.toLowerCase())
    if (!packet) throw new StepFailedError(`Transaction ${txHash} emitted no PacketSent with GUID ${l.args.guid}.`)
    sent.set(l.args.commandId.toLowerCase(), { packet, commandId: l.args.commandId, txHash, blockNumber: receipt.blockNumber, nativeFee: l.args.nativeFee })
  }
  return sent
}
