import { LzEndpointV2, LzWorker } from '@unimargin/contracts'
import { type DecodedPacket, decodePacket, workerDelivery } from '@unimargin/protocol'
import { type Account, type Address, type Chain, type Hash, type Hex, parseEventLogs, type PublicClient, type Transport, type WalletClient } from 'viem'

/** The packets an endpoint emitted (`PacketSent`) in transaction `txHash`, decoded, in log order. */
export async function sentPackets(publicClient: PublicClient, txHash: Hash): Promise<DecodedPacket[]> {
  const receipt = await publicClient.getTransactionReceipt({ hash: txHash })
  return parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketSent' }).map((l) => decodePacket(l.args.encodedPayload))
}

/** Where a test delivers a packet: the destination chain's clients and LayerZero contracts. */
export interface PacketDestination {
  publicClient: PublicClient<Transport, Chain>
  /** the wallet of an operator of the destination's LzWorker (the devnet relayer); it also acts as executor */
  wallet: WalletClient<Transport, Chain, Account>
  endpoint: Address
  receiveLib: Address
  /** the LzWorker that ReceiveUln302's config names as the required DVN */
  worker: Address
}

/**
 * Plays the DVN for `packet` on its destination through the required DVN, the LzWorker:
 * `LzWorker.deliver(receiveLib, endpoint, confirmations, [packet], false, 0)` verifies and commits it without
 * executing it.
 * @throws Error if the transaction reverts or the worker reports a failed verification.
 */
export async function verifyPacket(dest: PacketDestination, packet: DecodedPacket, confirmations = 2n): Promise<void> {
  const hash = await dest.wallet.writeContract({
    address: dest.worker,
    abi: LzWorker.abi,
    functionName: 'deliver',
    args: [dest.receiveLib, dest.endpoint, confirmations, [workerDelivery(packet, 0n)], false, 0n],
    // a set limit: the worker skips a packet it is short of gas for without reverting, so an estimate would find
    // the least gas at which the packet is skipped
    gas: 300_000n,
  })
  const receipt = await dest.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error('LzWorker.deliver reverted')
  if (parseEventLogs({ abi: LzWorker.abi, logs: receipt.logs, eventName: 'GasHeld' }).length > 0) throw new Error(`LzWorker.deliver ran short of gas for packet ${packet.guid}`)
  const [failed] = parseEventLogs({ abi: LzWorker.abi, logs: receipt.logs, eventName: 'VerificationFailed' })
  if (failed) throw new Error(`verification of packet ${packet.guid} failed: ${failed.args.reason}`)
}

/** The arguments of `EndpointV2.lzReceive` for a verified `packet`. */
export function lzReceiveArgs(packet: DecodedPacket, receiver: Address, extraData: Hex = '0x') {
  return [{ srcEid: packet.srcEid, sender: packet.sender, nonce: packet.nonce }, receiver, packet.guid, packet.message, extraData] as const
}
