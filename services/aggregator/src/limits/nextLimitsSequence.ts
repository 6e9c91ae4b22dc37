import { type DbOrTx, limitsSequences, sql } from '@unimargin/db'
import { type Address, getAddress } from 'viem'

/** The vault (EVM chain id and address) and asset a SetLimits sequence counts for. */
export type LimitsSequenceKey = { chainId: number; vault: Address; asset: Address }

/**
 * Issues the next `limitsSequence` for SetLimits commands to `vault` about `asset`: 1 for the first, then one more
 * than the highest issued so far. Run it in the transaction that writes the command: the upsert holds the counter
 * row's lock until that transaction ends, so concurrent writers (other aggregator processes on the same database)
 * wait and then get a greater number, and a rolled-back transaction issues nothing.
 * @returns the sequence (u64), as a bigint.
 */
export async function nextLimitsSequence(tx: DbOrTx, key: LimitsSequenceKey, now: Date): Promise<bigint> {
  const row = { chainId: key.chainId, vault: getAddress(key.vault), asset: getAddress(key.asset) }
  const [issued] = await tx
    .insert(limitsSequences)
    .values({ ...row, lastSequence: 1n, updatedAt: now })
    .onConflictDoUpdate({
      target: [limitsSequences.chainId, limitsSequences.vault, limitsSequences.asset],
      set: { lastSequence: sql`${limitsSequences.lastSequence} + 1`, updatedAt: now },
    })
    .returning({ sequence: limitsSequences.lastSequence })
  return issued!.sequence
}

/**
 * Raises the counter of `key` to `sequence` if it is lower: called with every `LimitsSet` a vault emits, so a fresh
 * or restored database, once the watcher has replayed the vault's events, issues sequences above those the vault
 * already holds (a lower one would be consumed as `Superseded`).
 */
export async function observeLimitsSequence(tx: DbOrTx, key: LimitsSequenceKey, sequence: bigint, now: Date): Promise<void> {
  const row = { chainId: key.chainId, vault: getAddress(key.vault), asset: getAddress(key.asset) }
  await tx
    .insert(limitsSequences)
    .values({ ...row, lastSequence: sequence, updatedAt: now })
    .onConflictDoUpdate({
      target: [limitsSequences.chainId, limitsSequences.vault, limitsSequences.asset],
      set: { lastSequence: sql`greatest(${limitsSequences.lastSequence}, excluded.last_sequence)`, updatedAt: now },
    })
}
