import { type Address, type Hex, zeroAddress } from 'viem'
import type { Context } from '../common/context.js'
import { AggregatorError } from '../common/errors.js'
import { writeCommand } from '../outbox/index.js'

/** What {@link writeSetLimits} asks a vault to apply to one asset. */
export type SetLimitsParameters = {
  /** EVM chain id of the vault */
  chainId: number
  /** the ERC-20 whose outflow is limited */
  asset: Address
  /** most token base units the vault pays out of `asset` per period; ignored when `periodSeconds` is 0 */
  outflowLimit: bigint
  /** window length in seconds (u32); 0 = no rate limit */
  periodSeconds: number
  /** refuse new withdrawal requests and payouts of `asset` (deposits stay open) */
  paused: boolean
}

/** Thrown when a SetLimits parameter cannot go on the wire. */
export class InvalidLimitsError extends AggregatorError {
  override name = 'InvalidLimitsError'
}

const U32_MAX = 2 ** 32 - 1
const U256_MAX = 2n ** 256n - 1n

/**
 * Queues a SetLimits command for the vault on `chainId` in the caller's transaction. The command replaces the
 * asset's limits: a payout the limit or the pause holds back comes back as the outcome `rate_limited`, which the
 * hub answers by voiding the approval and rejecting the request. The cause names every field and the reference
 * time, so the same limits set again at another time are a new command, while a retry of one decision is not.
 * @returns the command id and whether it was newly written.
 * @throws {InvalidLimitsError} when `outflowLimit` is not a u256 or `periodSeconds` not a u32.
 * @throws Error when `chainId` is not configured.
 */
export async function writeSetLimits(ctx: Context, parameters: SetLimitsParameters): Promise<{ id: Hex; created: boolean }> {
  const { chainId, asset, outflowLimit, periodSeconds, paused } = parameters
  if (outflowLimit < 0n || outflowLimit > U256_MAX) throw new InvalidLimitsError(`outflowLimit ${outflowLimit} is not a u256`, { outflowLimit })
  if (!Number.isInteger(periodSeconds) || periodSeconds < 0 || periodSeconds > U32_MAX)
    throw new InvalidLimitsError(`periodSeconds ${periodSeconds} is not a u32`, { periodSeconds })
  const cause = `limits:${chainId}:${asset.toLowerCase()}:${outflowLimit}:${periodSeconds}:${paused ? 1 : 0}:${ctx.referenceTs}`
  const result = await writeCommand(ctx, {
    body: { kind: 'SetLimits', asset, outflowLimit, periodSeconds, paused },
    account: zeroAddress,
    destChainId: chainId,
    cause,
  })
  ctx.logger.info({ chain_id: chainId, asset, outflow_limit: outflowLimit.toString(), period_seconds: periodSeconds, paused, command_id: result.id }, 'Queued vault limits')
  return result
}
