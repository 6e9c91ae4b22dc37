import { LzEndpointV2, LzReceiveUln302 } from '@unimargin/contracts'
import { type DecodedPacket, decodePacket } from '@unimargin/protocol'
import { type Account, type Address, type Chain, type Hash, type Hex, parseEventLogs, type PublicClient, type Transport, type WalletClient } from 'viem'

/** The packets an endpoint emitted (`PacketSent`) in transaction `txHash`, decoded, in log order. */
export async function sentPackets(publicClient: PublicClient, txHash: Hash): Promise<DecodedPacket[]> {
  const receipt = await publicClient.getTransactionReceipt({ hash: txHash })
  return parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketSent' }).map((l) => decodePacket(l.args.encodedPayload))
}

/** Where a test delivers a packet: the destination chain's clients and LayerZero contracts. */
export interface PacketDestination {
  publicClient: PublicClient<Transport, Chain>
  /** the wallet of the configured DVN (the devnet relayer); it also acts as executor */
  wallet: WalletClient<Transport, Chain, Account>
  endpoint: Address
  receiveLib: Address
}

/**
 * Plays the DVN for `packet` on its destination: `ReceiveUln302.verify(header, payloadHash, confirmations)` then
 * `commitVerification(header, payloadHash)`. Both must succeed.
 * @throws Error if a transaction reverts.
 */
export async function verifyPacket(dest: PacketDestination, packet: DecodedPacket, confirmations = 2n): Promise<void> {
  const send = async (hash: Promise<Hash>, what: string) => {
    const receipt = await dest.publicClient.waitForTransactionReceipt({ hash: await hash })
    if (receipt.status !== 'success') throw new Error(`${what} reverted`)
  }
  await send(
    dest.wallet.writeContract({ address: dest.receiveLib, abi: LzReceiveUln302.abi, functionName: 'verify', args: [packet.header, packet.payloadHash, confirmations] }),
    'ReceiveUln302.verify',
  )
  await send(
    dest.wallet.writeContract({ address: dest.receiveLib, abi: LzReceiveUln302.abi, functionName: 'commitVerification', args: [packet.header, packet.payloadHash] }),
    'ReceiveUln302.commitVerification',
  )
}

/** The arguments of `EndpointV2.lzReceive` for a verified `packet`. */
export function lzReceiveArgs(packet: DecodedPacket, receiver: Address, extraData: Hex = '0x') {
  return [{ srcEid: packet.srcEid, sender: packet.sender, nonce: packet.nonce }, receiver, packet.guid, packet.message, extraData] as const
}
