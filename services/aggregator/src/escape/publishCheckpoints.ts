import type { Hex } from 'viem'
import type { Context } from '../common/context.js'
import { type SkippedChain, snapshotEscape } from './snapshot.js'
import { writeCheckpoint } from './writeCheckpoint.js'

/**
 * One checkpoint round, in the caller's transaction: {@link snapshotEscape} of every vault, then
 * {@link writeCheckpoint} for each (a vault whose root did not change gets no new checkpoint). All or nothing: when
 * a chain cannot be snapshotted, no vault gets a checkpoint this round, because an account's budget is its equity
 * over every chain and a vault left on its older tree would still pay what the newer trees allocate again. The node
 * runs it every `escape.checkpointIntervalSeconds`.
 * @returns per vault the epoch in force after the round and whether a Checkpoint command was queued (empty when a
 * chain was left out); the chains left out.
 */
export async function publishCheckpoints(
  ctx: Context,
): Promise<{ published: Array<{ chainId: number; epoch: bigint; commandId: Hex; created: boolean }>; skipped: SkippedChain[] }> {
  const { vaults, skipped } = await snapshotEscape(ctx.tx, ctx.config, ctx.referenceTs)
  if (skipped.length > 0) {
    ctx.logger.warn({ skipped }, 'Escape checkpoint round postponed: chains could not be snapshotted')
    return { published: [], skipped }
  }
  const published = []
  for (const v of vaults) published.push({ chainId: v.chainId, ...(await writeCheckpoint(ctx, v)) })
  return { published, skipped }
}
