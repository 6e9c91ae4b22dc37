import { getChain } from '@unimargin/chains'
import { commands, eq } from '@unimargin/db'
import { type Address, type Hex, zeroAddress } from 'viem'
import type { Context } from '../common/context.js'
import { AggregatorError } from '../common/errors.js'
import { commandIdOf, writeCommand, type WriteCommandParameters } from '../outbox/index.js'
import { nextLimitsSequence } from './nextLimitsSequence.js'

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
 * Each new command takes the next `limitsSequence` of the vault and asset (see {@link nextLimitsSequence}); the
 * vault consumes a SetLimits older than the limits in force as `superseded`, so the last one written wins whatever
 * order the transports deliver them in. A retry of a decision keeps its command and sequence.
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
  const command = (limitsSequence: bigint): WriteCommandParameters => ({
    body: { kind: 'SetLimits', asset, outflowLimit, periodSeconds, paused, limitsSequence },
    account: zeroAddress,
    destChainId: chainId,
    cause,
  })
  // the id does not depend on the sequence: a retry finds its command and issues no new number
  const id = commandIdOf(command(0n))
  const [existing] = await ctx.tx.select({ id: commands.id }).from(commands).where(eq(commands.id, id))
  if (existing) return { id, created: false }

  const { vault } = getChain(ctx.config, chainId)
  const limitsSequence = await nextLimitsSequence(ctx.tx, { chainId, vault, asset }, ctx.now())
  const result = await writeCommand(ctx, command(limitsSequence))
  ctx.logger.info(
    {
      chain_id: chainId,
      asset,
      outflow_limit: outflowLimit.toString(),
      period_seconds: periodSeconds,
      paused,
      limits_sequence: limitsSequence.toString(),
      command_id: result.id,
    },
    'Queued vault limits',
  )
  return result
}
