import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { type Address, getAddress, type Hex } from 'viem'
import type { Entitlement } from './allocate.js'

/**
 * The leaf encoding of a vault's escape tree, as `MarginVault.claimEscape` hashes it:
 * `keccak256(bytes.concat(keccak256(abi.encode(account, asset, entitlement, creditedAt, debitedAt))))`.
 */
export const ESCAPE_LEAF_ENCODING = ['address', 'address', 'uint256', 'uint256', 'uint256'] as const

/** The vault's cumulative counters of one (account, asset) as of the checkpoint's block, base units. */
export type EscapeCounters = { account: Address; asset: Address; credited: bigint; debited: bigint }

/** One leaf of a vault's tree with its proof: the arguments of `claimEscape(asset, entitlement, creditedAt, debitedAt, proof)`. */
export type EscapeLeaf = {
  account: Address
  asset: Address
  /** base units */
  entitlement: bigint
  /** the vault's `credited` counter of the pair as of the checkpoint, base units */
  creditedAt: bigint
  /** the vault's `debited` counter of the pair as of the checkpoint, base units */
  debitedAt: bigint
  proof: Hex[]
}

/** A vault's escape tree: its root and every leaf with its proof. */
export type EscapeTree = { root: Hex; leaves: EscapeLeaf[] }

/**
 * Builds one vault's OpenZeppelin StandardMerkleTree. There is a leaf for every (account, asset) with counters (so
 * the vault can tell it from an account first seen after the checkpoint, which claims without a leaf) and for every
 * entitlement (an account entitled to spare tokens of a vault it never used gets counters 0).
 * @param entitlements this vault's entitlements (other chains' are ignored by the caller)
 * @param counters this vault's counters as of the checkpoint's `asOfBlock`
 * @returns the root and the leaves, sorted by account then asset, each with its proof; a vault without any leaf gets
 * the zero root, against which no claim proves (the vault refuses it).
 */
export function buildEscapeTree(entitlements: readonly Entitlement[], counters: readonly EscapeCounters[]): EscapeTree {
  const rows = new Map<string, { account: Address; asset: Address; entitlement: bigint; creditedAt: bigint; debitedAt: bigint }>()
  const row = (account: Address, asset: Address) => {
    const key = `${account.toLowerCase()}|${asset.toLowerCase()}`
    let r = rows.get(key)
    if (!r) {
      r = { account: getAddress(account), asset: getAddress(asset), entitlement: 0n, creditedAt: 0n, debitedAt: 0n }
      rows.set(key, r)
    }
    return r
  }
  for (const c of counters) {
    const r = row(c.account, c.asset)
    r.creditedAt = c.credited
    r.debitedAt = c.debited
  }
  for (const e of entitlements) row(e.account, e.asset).entitlement += e.amount
  const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r)
  if (sorted.length === 0) return { root: ZERO_ROOT, leaves: [] }
  const tree = merkleTreeOf(sorted)
  const leaves = sorted.map((r, i) => ({ ...r, proof: tree.getProof(i) as Hex[] }))
  return { root: tree.root as Hex, leaves }
}

/** The root of a vault without any leaf: no claim proves against it. */
const ZERO_ROOT: Hex = `0x${'00'.repeat(32)}`

/**
 * The root of the tree of exactly `leaves` (any order; the tree sorts them), as {@link buildEscapeTree} builds it:
 * what a co-signer recomputes from the leaves the hub sends. No leaf: the zero root.
 */
export function escapeRootOf(leaves: readonly Omit<EscapeLeaf, 'proof'>[]): Hex {
  return leaves.length === 0 ? ZERO_ROOT : (merkleTreeOf(leaves).root as Hex)
}

function merkleTreeOf(rows: readonly Omit<EscapeLeaf, 'proof'>[]) {
  return StandardMerkleTree.of(
    rows.map((r) => [r.account, r.asset, r.entitlement, r.creditedAt, r.debitedAt]),
    [...ESCAPE_LEAF_ENCODING],
  )
}
