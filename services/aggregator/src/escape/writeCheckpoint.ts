import { getChain } from '@unimargin/chains'
import { and, desc, escapeCheckpoints, escapeLeaves, eq } from '@unimargin/db'
import { type Hex, zeroAddress } from 'viem'
import type { Context } from '../common/context.js'
import { AggregatorError } from '../common/errors.js'
import { writeCommand } from '../outbox/index.js'
import type { EscapeTree } from './tree.js'

/** Thrown when a checkpoint cannot be stored: an `asOfBlock` older than the vault's last checkpoint. */
export class InvalidCheckpointError extends AggregatorError {
  override name = 'InvalidCheckpointError'
}

/** Rows of `escape_leaves` per insert statement (PostgreSQL caps a statement at 65 535 parameters). */
const LEAF_BATCH = 1000

/**
 * Stores one vault's escape tree as its next checkpoint and queues the Checkpoint command that publishes its root,
 * in the caller's transaction. The epoch is the vault's last stored epoch + 1 (from 1), so epochs strictly increase
 * per vault as the vault requires. When the root equals the last checkpoint's, nothing changed for any account:
 * nothing is written and the last checkpoint is returned with `created: false`.
 * @param parameters `chainId` of the vault; `tree` from {@link buildEscapeTree}; `asOfBlock` the block of that
 * chain up to which the tree's counters and balances were read.
 * @returns the checkpoint's epoch, the Checkpoint command id and whether a new checkpoint was written.
 * @throws {InvalidCheckpointError} when `asOfBlock` is older than the last checkpoint's.
 * @throws Error when `chainId` is not configured.
 */
export async function writeCheckpoint(
  ctx: Context,
  parameters: { chainId: number; tree: EscapeTree; asOfBlock: bigint },
): Promise<{ epoch: bigint; commandId: Hex; created: boolean }> {
  const { chainId, tree, asOfBlock } = parameters
  const { vault } = getChain(ctx.config, chainId)
  const [last] = await ctx.tx
    .select()
    .from(escapeCheckpoints)
    .where(and(eq(escapeCheckpoints.chainId, chainId), eq(escapeCheckpoints.vault, vault)))
    .orderBy(desc(escapeCheckpoints.epoch))
    .limit(1)
  if (last && last.root === tree.root) return { epoch: last.epoch, commandId: last.commandId as Hex, created: false }
  if (last && asOfBlock < last.asOfBlock)
    throw new InvalidCheckpointError(`asOfBlock ${asOfBlock} on chain ${chainId} is older than the last checkpoint's ${last.asOfBlock}`, { chainId, asOfBlock, lastAsOfBlock: last.asOfBlock })
  const epoch = (last?.epoch ?? 0n) + 1n
  const { id } = await writeCommand(ctx, {
    body: { kind: 'Checkpoint', epoch, root: tree.root, asOfBlock },
    account: zeroAddress,
    destChainId: chainId,
    cause: `escape-checkpoint:${chainId}:${epoch}`,
  })
  await ctx.tx.insert(escapeCheckpoints).values({ chainId, vault, epoch, root: tree.root, asOfBlock, commandId: id, createdAt: ctx.now() })
  for (let i = 0; i < tree.leaves.length; i += LEAF_BATCH) {
    const rows = tree.leaves.slice(i, i + LEAF_BATCH).map((l) => ({
      chainId,
      vault,
      epoch,
      account: l.account,
      asset: l.asset,
      entitlement: l.entitlement,
      creditedAt: l.creditedAt,
      debitedAt: l.debitedAt,
      proof: l.proof,
    }))
    await ctx.tx.insert(escapeLeaves).values(rows)
  }
  ctx.logger.info({ chain_id: chainId, epoch: epoch.toString(), root: tree.root, leaves: tree.leaves.length, command_id: id }, 'Queued escape checkpoint')
  return { epoch, commandId: id, created: true }
}
