import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzWorker } from '@unimargin/contracts'
import { type DecodedPacket, workerDelivery } from '@unimargin/protocol'
import { type Abi, type Account, parseEventLogs } from 'viem'
import type { ChainClients } from '../context.js'
import { VERIFICATION_FAILED } from '../events.js'

/**
 * Verifies `packet` on its destination without executing it: `LzWorker.deliver(..., execute = false)` records the
 * worker's verification in ReceiveUln302 (the worker is the path's required DVN; the relayer is its operator) and
 * commits the payload hash to the endpoint, in one transaction.
 * @param account the relayer's account (the worker's operator); the destination clients send from it
 * @param confirmations hub-chain blocks on top of the packet's block (at least the ULN config's confirmations)
 * @returns the transaction hash, as both the verification and the commit.
 * @throws Error if the transaction reverts or the worker reports the verification failed.
 */
export async function verifyAsDvn(dest: ChainClients, lz: LayerZeroChainConfig, _account: Account, packet: DecodedPacket, confirmations: bigint) {
  const hash = await dest.sendContract({
    address: lz.worker,
    abi: LzWorker.abi as Abi,
    functionName: 'deliver',
    args: [lz.receiveLib, lz.endpoint, confirmations, [workerDelivery(packet, 0n)], false],
  })
  const receipt = await dest.public.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`LzWorker.deliver ${hash} reverted.`)
  const [failed] = parseEventLogs({ abi: VERIFICATION_FAILED, logs: receipt.logs, eventName: 'VerificationFailed' })
  if (failed) throw new Error(`Verifying packet ${packet.guid} failed: ${failed.args.reason}`)
  return { verifyTx: hash, commitTx: hash }
}
