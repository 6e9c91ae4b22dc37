import { type Address, concat, encodeAbiParameters, getAddress, type Hex, keccak256, parseAbiParameters } from 'viem'
import { describe, expect, it } from 'vitest'
import { buildEscapeTree, type EscapeLeaf } from './tree.js'

const USDC = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3')
const WETH = getAddress('0xe7f1725e7734ce288f8367e1bb143e90bb3f0512')
const A = getAddress('0x00000000000000000000000000000000000000a1')
const B = getAddress('0x00000000000000000000000000000000000000b2')

/** The leaf hash MarginVault.claimEscape computes: keccak256(bytes.concat(keccak256(abi.encode(...)))). */
const leafHash = (l: EscapeLeaf) =>
  keccak256(keccak256(encodeAbiParameters(parseAbiParameters('address, address, uint256, uint256, uint256'), [l.account, l.asset, l.entitlement, l.creditedAt, l.debitedAt])))

/** OpenZeppelin MerkleProof.processProof: sorted-pair keccak256 up the proof. */
function processProof(leaf: Hex, proof: Hex[]): Hex {
  return proof.reduce<Hex>((node, sibling) => (BigInt(node) < BigInt(sibling) ? keccak256(concat([node, sibling])) : keccak256(concat([sibling, node]))), leaf)
}

describe('buildEscapeTree', () => {
  it('gives every pair with counters or an entitlement a leaf whose proof leads to the root the way MerkleProof checks it', () => {
    const tree = buildEscapeTree(
      [
        { chainId: 1, asset: USDC, account: A, amount: 700n },
        { chainId: 1, asset: WETH, account: B, amount: 5n },
      ],
      [
        { account: A, asset: USDC, credited: 1000n, debited: 0n },
        { account: B, asset: USDC, credited: 0n, debited: 300n },
      ],
    )
    expect(tree.leaves.map((l) => [l.account, l.asset, l.entitlement, l.creditedAt, l.debitedAt])).toEqual([
      [A, USDC, 700n, 1000n, 0n],
      [B, USDC, 0n, 0n, 300n],
      [B, WETH, 5n, 0n, 0n],
    ])
    for (const leaf of tree.leaves) expect(processProof(leafHash(leaf), leaf.proof)).toBe(tree.root)
    const forged = { ...tree.leaves[0]!, entitlement: 701n }
    expect(processProof(leafHash(forged), forged.proof)).not.toBe(tree.root)
  })

  it('returns the zero root and no leaves for a vault nobody used', () => {
    expect(buildEscapeTree([], [])).toEqual({ root: `0x${'00'.repeat(32)}`, leaves: [] })
  })

  it('does not depend on the order or the address case of its input', () => {
    const lower = (a: Address) => a.toLowerCase() as Address
    const one = buildEscapeTree([{ chainId: 1, asset: USDC, account: A, amount: 1n }], [{ account: B, asset: USDC, credited: 2n, debited: 0n }, { account: A, asset: USDC, credited: 3n, debited: 1n }])
    const two = buildEscapeTree([{ chainId: 1, asset: lower(USDC), account: lower(A), amount: 1n }], [{ account: lower(A), asset: USDC, credited: 3n, debited: 1n }, { account: B, asset: USDC, credited: 2n, debited: 0n }])
    expect(two.root).toBe(one.root)
  })
})
