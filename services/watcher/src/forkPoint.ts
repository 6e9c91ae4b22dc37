import { BlockNotFoundError, type PublicClient } from 'viem'

/** A block as the hub stored it: its number and the hash it had when its logs were written. */
export type StoredBlock = { blockNumber: bigint; blockHash: string }

/**
 * The highest of `stored` whose hash is still the chain's block at that height: the last block the hub ingested
 * that a reorg did not replace. Canonical blocks form a prefix (a block is canonical only if its parent is), so it
 * binary-searches the distinct stored blocks by number, asking the chain for O(log n) of them. A height the chain
 * has not reached (again) counts as replaced.
 * @returns that block, or undefined when no stored block is canonical any more.
 * @throws the RPC error of `eth_getBlockByNumber` other than a block not found.
 */
export async function findForkPoint(client: Pick<PublicClient, 'getBlock'>, stored: readonly StoredBlock[]): Promise<StoredBlock | undefined> {
  const byNumber = new Map<bigint, StoredBlock>()
  for (const b of stored) byNumber.set(b.blockNumber, b)
  const blocks = [...byNumber.values()].sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0))
  const canonical = async (b: StoredBlock) => {
    try {
      const block = await client.getBlock({ blockNumber: b.blockNumber })
      return block.hash?.toLowerCase() === b.blockHash.toLowerCase()
    } catch (error) {
      if (error instanceof BlockNotFoundError) return false
      throw error
    }
  }
  // invariant: blocks[0..lo) canonical, blocks[hi..) replaced
  let lo = 0
  let hi = blocks.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (await canonical(blocks[mid]!)) lo = mid + 1
    else hi = mid
  }
  return lo === 0 ? undefined : blocks[lo - 1]
}
