import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzWorker } from '@unimargin/contracts'
import { type CommandKindName, type DecodedPacket, workerDelivery } from '@unimargin/protocol'
import { type Abi, type Account, getAbiItem, parseEventLogs } from 'viem'
import type { ChainClients } from '../send/chainClients.js'
import { VERIFICATION_FAILED } from '../events.js'
import { StepFailedError } from '../errors.js'

/** `LzWorker.ExecutionHeld` alone, for parseEventLogs: a delivery's guard nonce had not executed, nothing ran. */
export const EXECUTION_HELD = [getAbiItem({ abi: LzWorker.abi, name: 'ExecutionHeld' })] as const
/** `LzWorker.GasHeld` alone: a delivery ran short of a packet's gas and left it and the later ones untouched. */
export const GAS_HELD = [getAbiItem({ abi: LzWorker.abi, name: 'GasHeld' })] as const

/**
 * Gas a packet takes inside `LzWorker.deliver` (DVN verify, commit, `EndpointV2.lzReceive` into the vault, and its
 * calldata), per command kind, before refunds: a transaction's gas limit must cover its gas before the refunds of
 * cleared storage (the endpoint's payload hash is set and cleared in the same call), which `gasUsed` has already
 * subtracted (up to a fifth, EIP-3529). Measured on the devnet as the least gas limit at which the worker executes
 * every packet of a batch, 20 packets against 10: Lock 133.5k, Unlock 116.5k, Seize 122k, ApproveWithdrawal 153.6k
 * (a token transfer to a fresh recipient), RejectWithdrawal 125.7k, SetLimits 114k (an asset's first limits write
 * fresh slots, ≈ 50k more, which the one-packet padding of {@link deliveryGas} covers); each with about 8% on top.
 * Checkpoint is sized from SetLimits plus its second storage slot (two slots when a vault gets its first one).
 * The vault's escape counters (MarginVault's `EscapeLedger`) add to these measurements about 5k per command (the
 * liveness slot) and, for a payout, up to two fresh slots (≈ 44k: the account's first activity there) and for a
 * Seize up to three (≈ 66k): ApproveWithdrawal and Seize are sized for that.
 * A delivery's gas limit sums these and adds one packet's full needs ({@link deliveryGas}). Not a node's estimate:
 * the worker holds rather than reverts, so an estimate would find the least gas at which it holds every packet.
 */
export const DELIVERY_PACKET_GAS: Readonly<Record<CommandKindName, bigint>> = {
  ApproveWithdrawal: 220_000n,
  RejectWithdrawal: 136_000n,
  Lock: 145_000n,
  Unlock: 126_000n,
  Seize: 205_000n,
  SetLimits: 124_000n,
  Checkpoint: 140_000n,
}
/** Gas of `LzWorker.deliver` itself around its packets, with the transaction's own 21k. */
export const WORKER_BASE_GAS = 60_000n
/** `LzWorker.PACKET_GAS_RESERVE`: what the worker wants left before a packet besides the packet's lzReceive gas. */
export const WORKER_PACKET_RESERVE = 100_000n

/**
 * Gas limit of an `LzWorker.deliver` of `packets` (each with the gas it typically takes, see
 * {@link DELIVERY_PACKET_GAS}, and the lzReceive gas its options ask for): {@link WORKER_BASE_GAS} + Σ typical +
 * the most any one packet wants left before it on top of what the packets before it took ({@link largestNeeds}).
 * The worker checks before each packet that it has that much left and otherwise stops there (GasHeld), so packets
 * that take more than typical delay the ones after them to a later transaction; none runs short of its lzReceive gas.
 */
export function deliveryGas(packets: readonly { typicalGas: bigint; lzReceiveGas: bigint }[]): bigint {
  return packets.reduce((sum, p) => sum + p.typicalGas, WORKER_BASE_GAS + largestNeeds(packets))
}

/** The most any of `packets` wants left before it in `LzWorker.deliver`: lzReceive gas + 1/63 (EIP-150) + the reserve. */
export function largestNeeds(packets: readonly { lzReceiveGas: bigint }[]): bigint {
  let largest = 0n
  for (const { lzReceiveGas } of packets) {
    const needs = lzReceiveGas + lzReceiveGas / 63n + WORKER_PACKET_RESERVE
    if (needs > largest) largest = needs
  }
  return largest
}

/**
 * Gas limit of a verification without execution ({@link verifyAsDvn}, used to heal gaps; rare): the worker wants
 * {@link WORKER_PACKET_RESERVE} left before the packet, and a first packet on a path writes cold storage in both
 * ReceiveUln302 and the endpoint.
 */
export const VERIFY_ONLY_GAS = 300_000n

/**
 * Verifies `packet` on its destination without executing it: `LzWorker.deliver(..., execute = false, afterNonce = 0)` records the
 * worker's verification in ReceiveUln302 (the worker is the path's required DVN; the relayer is its operator) and
 * commits the payload hash to the endpoint, in one transaction.
 * @param account the relayer's account (the worker's operator); the destination clients send from it
 * @param confirmations hub-chain blocks on top of the packet's block (at least the ULN config's confirmations)
 * @returns the transaction hash, as both the verification and the commit.
 * @throws Error if the transaction reverts, or the worker reports the verification failed or ran short of gas.
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
  if (receipt.status !== 'success') throw new StepFailedError(`LzWorker.deliver ${hash} reverted.`)
  if (parseEventLogs({ abi: GAS_HELD, logs: receipt.logs, eventName: 'GasHeld' }).length > 0) throw new StepFailedError(`LzWorker.deliver ${hash} ran short of gas for packet ${packet.guid}.`)
  const [failed] = parseEventLogs({ abi: VERIFICATION_FAILED, logs: receipt.logs, eventName: 'VerificationFailed' })
  if (failed) throw new StepFailedError(`Verifying packet ${packet.guid} failed: ${failed.args.reason}`)
  return { verifyTx: hash, commitTx: hash }
}
