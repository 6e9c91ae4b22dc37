import { and, type DbOrTx, desc, escapeCheckpoints, escapeLeaves, eq } from '@unimargin/db'
import { type Address, getAddress, type Hex } from 'viem'

/** One claim an account can make in escape mode: the arguments of `MarginVault.claimEscape` on one vault. */
export type EscapeClaim = {
  /** EVM chain id of the vault */
  chainId: number
  vault: Address
  /** the checkpoint the leaf belongs to (the newest stored for the vault) */
  epoch: bigint
  root: Hex
  asset: Address
  /** token base units */
  entitlement: bigint
  /** the vault's `credited` counter of the pair as of the checkpoint, base units */
  creditedAt: bigint
  /** the vault's `debited` counter of the pair as of the checkpoint, base units */
  debitedAt: bigint
  proof: Hex[]
}

/**
 * The account's leaves under the newest stored checkpoint of every vault, sorted by chain id then asset. A vault
 * whose newest checkpoint has no leaf for the account is absent (the account either never used it, or first did
 * after the checkpoint and claims with `claimEscapeWithoutLeaf`). The newest stored checkpoint is the one in force
 * once its Checkpoint command has executed on the vault.
 * @param account any case; compared checksummed, as stored.
 */
export async function loadEscapeClaims(tx: DbOrTx, account: Address): Promise<EscapeClaim[]> {
  const owner = getAddress(account)
  const latest = await tx
    .selectDistinctOn([escapeCheckpoints.chainId, escapeCheckpoints.vault])
    .from(escapeCheckpoints)
    .orderBy(escapeCheckpoints.chainId, escapeCheckpoints.vault, desc(escapeCheckpoints.epoch))
  const claims: EscapeClaim[] = []
  for (const c of latest) {
    const leaves = await tx
      .select()
      .from(escapeLeaves)
      .where(and(eq(escapeLeaves.chainId, c.chainId), eq(escapeLeaves.vault, c.vault), eq(escapeLeaves.epoch, c.epoch), eq(escapeLeaves.account, owner)))
      .orderBy(escapeLeaves.asset)
    for (const l of leaves)
      claims.push({
        chainId: c.chainId,
        vault: getAddress(c.vault),
        epoch: c.epoch,
        root: c.root as Hex,
        asset: getAddress(l.asset),
        entitlement: l.entitlement,
        creditedAt: l.creditedAt,
        debitedAt: l.debitedAt,
        proof: l.proof as Hex[],
      })
  }
  return claims
}
