import type { Hex } from 'viem'
import type { Context } from '../common/context.js'
import { type SkippedChain, snapshotEscape } from './snapshot.js'
import { writeCheckpoint } from './writeCheckpoint.js'

/**
 * One checkpoint round, in the caller's transaction: {@link snapshotEscape} of every vault, then
 * {@link writeCheckpoint} for each (a vault whose root did not change gets no new checkpoint). The node runs it
 * every `escape.checkpointIntervalSeconds`.
 * @returns per vault the epoch in force after the round and whether a Checkpoint command was queued; the chains
 * left out (they keep their last checkpoint).
 */
export async function publishCheckpoints(
  ctx: Context,
): Promise<{ published: Array<{ chainId: number; epoch: bigint; commandId: Hex; created: boolean }>; skipped: SkippedChain[] }> {
  const { vaults, skipped } = await snapshotEscape(ctx.tx, ctx.config, ctx.referenceTs)
  const published = []
  for (const v of vaults) published.push({ chainId: v.chainId, ...(await writeCheckpoint(ctx, v)) })
  if (skipped.length > 0) ctx.logger.warn({ skipped }, 'Escape checkpoint round left chains out')
  return { published, skipped }
}
