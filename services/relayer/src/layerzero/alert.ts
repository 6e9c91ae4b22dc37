import type { LayerZeroChainConfig } from '@unimargin/chains'
import { LzEndpointV2, MarginVault } from '@unimargin/contracts'
import type { Abi, Address, Hex } from 'viem'
import { revertDataName } from '../batch.js'
import type { ChainClients } from '../send/chainClients.js'
import { PermanentDeliveryError, refusal, StepFailedError } from '../errors.js'
import { LZ_RECEIVE_ALERT } from '../events.js'
import { errorsOf } from '../revert.js'

/** Vault refusals of a packet's command that no retry can cure: the payload itself is refused. */
const PERMANENT = new Set(['CommandExpired', 'WrongDestination', 'UnsupportedVersion', 'UnknownKind', 'WrongPayloadLength', 'PayloadTooShort'])

/** Errors an lzReceive can fail with: the endpoint's own and those the vault bubbles up. */
export const DELIVERY_ERRORS = [...errorsOf(LzEndpointV2.abi as Abi), ...errorsOf(MarginVault.abi as Abi)] as Abi

/** Destination blocks searched back from the head for an executor's `LzReceiveAlert` (see {@link receiveAlerts}). */
export const ALERT_LOOKBACK_BLOCKS = 5_000n

/** The custom error name in a failed lzReceive's revert data, if it is one of {@link DELIVERY_ERRORS}. */
export const receiveErrorName = (reason: Hex) => revertDataName(DELIVERY_ERRORS, reason)

/**
 * What a failed lzReceive with revert data `reason` means for its command: a {@link PermanentDeliveryError} when the
 * vault refused the command itself (expired, wrong destination, malformed), else an Error naming the failure
 * (retryable: a token transfer that failed, a limit, out of gas).
 */
export function receiveFailure(reason: Hex): Error {
  const name = receiveErrorName(reason)
  if (name && PERMANENT.has(name)) return new PermanentDeliveryError(refusal(name))
  return new StepFailedError(`EndpointV2.lzReceive reverted: ${name ?? (reason === '0x' ? 'no revert data (out of gas?)' : reason)}`)
}

/**
 * The latest `LzReceiveAlert` revert data per packet GUID (lower-case) that executors reported on `lz`'s endpoint
 * for `receiver` within the last {@link ALERT_LOOKBACK_BLOCKS} blocks: an executor's lzReceive of that packet failed
 * and the packet stays verified, for a retry.
 */
export async function receiveAlerts(dest: ChainClients, lz: LayerZeroChainConfig, receiver: Address, fromBlock: bigint): Promise<Map<string, Hex>> {
  const head = await dest.headNumber()
  const logs = await dest.public.getContractEvents({
    address: lz.endpoint,
    abi: LZ_RECEIVE_ALERT,
    eventName: 'LzReceiveAlert',
    args: { receiver },
    fromBlock: head > ALERT_LOOKBACK_BLOCKS && head - ALERT_LOOKBACK_BLOCKS > fromBlock ? head - ALERT_LOOKBACK_BLOCKS : fromBlock,
  })
  return new Map(logs.map((l) => [l.args.guid!.toLowerCase(), l.args.reason!]))
}
