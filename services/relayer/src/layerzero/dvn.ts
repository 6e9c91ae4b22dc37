import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzWorker } from '@unimargin/contracts'
import { type DecodedPacket, workerDelivery } from '@unimargin/protocol'
import { type Abi, type Account, getAbiItem, parseEventLogs } from 'viem'
import type { ChainClients } from '../context.js'
import { VERIFICATION_FAILED } from '../events.js'

/** `LzWorker.ExecutionHeld` alone, for parseEventLogs: a delivery's guard nonce had not executed, nothing ran. */
export const EXECUTION_HELD = [getAbiItem({ abi: LzWorker.abi, name: 'ExecutionHeld' })] as const

/**
 * Gas per packet in `LzWorker.deliver` besides its lzReceive gas: DVN verify, commit, and the alert on failure.
 * Measured on the devnet: a batch of 40 Locks used 107 500 per packet in all (lzReceive included). The worker
 * catches each packet's failure, so a node's estimate would find the least gas at which packets fail quietly: the
 * limit is these budgets summed instead.
 */
export const WORKER_PACKET_GAS = 90_000n
/** Gas of `LzWorker.deliver` itself around its packets. */
export const WORKER_BASE_GAS = 60_000n
/**
 * Gas limit of a verification without execution ({@link verifyAsDvn}, used to heal gaps; rare): a first packet on a
 * path writes cold storage in both ReceiveUln302 and the endpoint, which the per-packet budget of a delivery (which
 * has its lzReceive gas to spare) does not cover on its own.
 */
export const VERIFY_ONLY_GAS = 300_000n

/**
 * Verifies `packet` on its destination without executing it: `LzWorker.deliver(..., execute = false, afterNonce = 0)` records the
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
    args: [lz.receiveLib, lz.endpoint, confirmations, [workerDelivery(packet, 0n)], false, 0n],
    gas: VERIFY_ONLY_GAS,
  })
  const receipt = await dest.public.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`LzWorker.deliver ${hash} reverted.`)
  const [failed] = parseEventLogs({ abi: VERIFICATION_FAILED, logs: receipt.logs, eventName: 'VerificationFailed' })
  if (failed) throw new Error(`Verifying packet ${packet.guid} failed: ${failed.args.reason}`)
  return { verifyTx: hash, commitTx: hash }
}
