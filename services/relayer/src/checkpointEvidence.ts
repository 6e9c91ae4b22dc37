import type { Config } from '@unimargin/chains'
import { and, type DbOrTx, desc, escapeCheckpoints, escapeLeaves, eq } from '@unimargin/db'
import type { CheckpointEvidence, EvidenceLeaf } from '@unimargin/protocol'
import { type Address, getAddress, type Hex } from 'viem'
import type { CommandRow } from './outbox.js'

/**
 * The evidence co-signers check a Checkpoint command with, from the hub's database where `writeCheckpoint` stored
 * the trees: every leaf of the command's checkpoint, and the leaves of the latest stored checkpoint of every other
 * configured vault (with its epoch, block and root).
 * @returns undefined for another kind of command, or a Checkpoint the hub stored no tree for (a command written
 * straight into the outbox): the co-signers then refuse it for want of evidence.
 */
export async function checkpointEvidenceOf(db: DbOrTx, config: Config, command: Pick<CommandRow, 'id' | 'kind' | 'destChainId'>): Promise<CheckpointEvidence | undefined> {
  if (command.kind !== 'Checkpoint') return undefined
  const [own] = await db.select().from(escapeCheckpoints).where(eq(escapeCheckpoints.commandId, command.id)).limit(1)
  if (!own) return undefined
  const otherVaults: CheckpointEvidence['otherVaults'] = []
  for (const chain of config.chains) {
    if (chain.chainId === own.chainId) continue
    const [latest] = await db
      .select()
      .from(escapeCheckpoints)
      .where(and(eq(escapeCheckpoints.chainId, chain.chainId), eq(escapeCheckpoints.vault, chain.vault)))
      .orderBy(desc(escapeCheckpoints.epoch))
      .limit(1)
    if (latest) otherVaults.push({ chainId: latest.chainId, epoch: latest.epoch, asOfBlock: latest.asOfBlock, root: latest.root as Hex, leaves: await leavesOf(db, latest) })
  }
  return { leaves: await leavesOf(db, own), otherVaults }
}

async function leavesOf(db: DbOrTx, checkpoint: { chainId: number; vault: string; epoch: bigint }): Promise<EvidenceLeaf[]> {
  const rows = await db
    .select({ account: escapeLeaves.account, asset: escapeLeaves.asset, entitlement: escapeLeaves.entitlement, creditedAt: escapeLeaves.creditedAt, debitedAt: escapeLeaves.debitedAt })
    .from(escapeLeaves)
    .where(and(eq(escapeLeaves.chainId, checkpoint.chainId), eq(escapeLeaves.vault, checkpoint.vault), eq(escapeLeaves.epoch, checkpoint.epoch)))
  return rows.map((r) => ({ ...r, account: getAddress(r.account) as Address, asset: getAddress(r.asset) as Address }))
}
