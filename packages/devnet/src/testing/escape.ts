import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import type { Address, Hex } from 'viem'

/** A vault escape leaf as `MarginVault.claimEscape` hashes it: `abi.encode(account, asset, entitlement, creditedAt, debitedAt)`. */
export const ESCAPE_LEAF_ENCODING = ['address', 'address', 'uint256', 'uint256', 'uint256'] as const

/** One leaf: the account, the ERC-20, its entitlement and its counters as of the checkpoint (token base units). */
export type EscapeLeafValues = [account: Address, asset: Address, entitlement: bigint, creditedAt: bigint, debitedAt: bigint]

/** A vault's escape tree (OpenZeppelin StandardMerkleTree) of `leaves`; its `root` goes into a Checkpoint command. */
export function escapeTree(leaves: EscapeLeafValues[]): StandardMerkleTree<EscapeLeafValues> {
  return StandardMerkleTree.of(leaves, [...ESCAPE_LEAF_ENCODING])
}

/**
 * The leaf of `account` (and `asset`, when given) in `tree` with its proof: with `asset`, the arguments of
 * `claimEscape(asset, entitlement, creditedAt, debitedAt, proof)`.
 * @throws Error when the tree has no such leaf
 */
export function escapeProof(tree: StandardMerkleTree<EscapeLeafValues>, account: Address, asset?: Address): { leaf: EscapeLeafValues; proof: Hex[] } {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  for (const [i, leaf] of tree.entries()) if (same(leaf[0], account) && (!asset || same(leaf[1], asset))) return { leaf, proof: tree.getProof(i) as Hex[] }
  throw new Error(`no escape leaf for ${account}`)
}

/** Whether `proof` proves `leaf` under `root`, as the vault checks it (OpenZeppelin's own verification). */
export function provesEscapeLeaf(root: Hex, leaf: EscapeLeafValues, proof: Hex[]): boolean {
  return StandardMerkleTree.verify(root, [...ESCAPE_LEAF_ENCODING], leaf, proof)
}
