import type { Hex, TransactionReceipt, TransactionSerializableEIP1559 } from 'viem'
import type { ChainFollower, Head } from './follower.js'

/** A signed EIP-1559 transaction as the relayer sent it, with the fees it offered (wei per gas). */
export type SentTransaction = TransactionSerializableEIP1559 & { nonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }

export type FeeBumperParameters = {
  follower: ChainFollower
  /** signs and sends `tx` raw, returning its hash (throws the node's refusal) */
  resend: (tx: SentTransaction) => Promise<Hex>
  /** the node's suggested priority fee now, wei per gas */
  priorityFee: () => Promise<bigint>
  /** the sender's nonce as of the latest block: transactions below it are mined */
  minedNonce: () => Promise<number>
  /** new blocks a transaction may stay unmined before it is sent again with higher fees (default 2) */
  bumpAfterBlocks?: number
  /** called when a replacement is sent (`to`), refused (`error`), or given up on after the last one (`gaveUp`, with `error`) */
  onBump?: (event: { nonce: number; from: Hex; to?: Hex; maxFeePerGas: bigint; error?: string; gaveUp?: boolean }) => void
}

/**
 * Replace-by-fee for the relayer's transactions on one chain: the lowest-nonce transaction still unmined
 * `bumpAfterBlocks` blocks after it (or its last replacement) was sent is signed again with the same nonce and call
 * and higher fees: at least 12.5% more on both the max fee and the priority fee (nodes refuse replacements below
 * +10%; geth's `txpool.pricebump`), and a max fee of three times the base fee now plus the priority fee. Only the
 * lowest: it holds every later nonce. Whichever version is mined settles it. Sending it again also restores a
 * transaction the node dropped from its pool.
 */
export type FeeBumper = {
  /** Follows `tx`, sent as `hash` when the head was `sentAt`. */
  track(hash: Hex, tx: SentTransaction, sentAt: bigint): void
  /**
   * The receipt of `hash` or of any replacement of it (so its `transactionHash` may differ from `hash`).
   * @throws Error when none of them was mined within the follower's receipt timeout.
   */
  receipt(hash: Hex, timeoutMs?: number): Promise<TransactionReceipt>
  /** Looks at every tracked transaction against a new head (the follower's `onHead`). */
  onHead(head: Head): void
  /** The nonces sent and not yet settled (no version mined, receipt not timed out): one per tracked transaction. */
  pending(): number
}

/** Transactions a bumper remembers after they settled, so a later wait for an old hash finds its replacement's receipt. */
const SETTLED_KEPT = 4096
/** replacements of one transaction at most: fees grow 1.125^n, so a node that will not mine it does not drain the key */
const MAX_BUMPS = 8
/** +12.5% (in 1/1000), above the +10% nodes require of a replacement */
const BUMP_PERMILLE = 1125n

type Group = {
  tx: SentTransaction
  hashes: Hex[]
  lastSentAt: bigint
  bumping: boolean
  /** reached {@link MAX_BUMPS} (reported once) */
  gaveUp: boolean
  done: boolean
  /** versions whose receipt is still awaited */
  waiting: number
  settled: Promise<TransactionReceipt>
  resolve: (r: TransactionReceipt) => void
  reject: (e: unknown) => void
}

export function createFeeBumper(parameters: FeeBumperParameters): FeeBumper {
  const { follower, resend, bumpAfterBlocks = 2 } = parameters
  const byHash = new Map<string, Group>()
  const open = new Set<Group>()

  /** Adds version `hash` to `group`: the group settles with the first receipt of any of its versions. */
  const follow = (group: Group, hash: Hex) => {
    group.hashes.push(hash)
    byHash.set(hash.toLowerCase(), group)
    while (byHash.size > SETTLED_KEPT + open.size * 8) byHash.delete(byHash.keys().next().value!)
    group.waiting++
    follower.receipt(hash).then(
      (receipt) => {
        if (group.done) return
        group.done = true
        open.delete(group)
        group.resolve(receipt)
        // the other versions can no longer be mined: stop polling their receipts
        for (const other of group.hashes) if (other !== hash) follower.forget(other)
      },
      (error: unknown) => {
        if (--group.waiting === 0 && !group.done) {
          open.delete(group)
          group.reject(error)
        }
      },
    )
  }

  async function bump(group: Group, head: Head) {
    group.bumping = true
    const from = group.hashes.at(-1)!
    try {
      // mined meanwhile (its receipt settles the group at the next poll): nothing to replace
      if ((await parameters.minedNonce()) > group.tx.nonce) return
      if (group.hashes.length > MAX_BUMPS) {
        parameters.onBump?.({ nonce: group.tx.nonce, from, maxFeePerGas: group.tx.maxFeePerGas, error: `still unmined after ${MAX_BUMPS} replacements; left to the node`, gaveUp: true })
        group.gaveUp = true
        return
      }
      const raise = (x: bigint) => (x * BUMP_PERMILLE) / 1000n + 1n
      const maxPriorityFeePerGas = [raise(group.tx.maxPriorityFeePerGas), await parameters.priorityFee()].reduce((a, b) => (a > b ? a : b))
      const maxFeePerGas = [raise(group.tx.maxFeePerGas), head.baseFeePerGas * 3n + maxPriorityFeePerGas].reduce((a, b) => (a > b ? a : b))
      const tx = { ...group.tx, maxFeePerGas, maxPriorityFeePerGas }
      const hash = await resend(tx)
      group.tx = tx
      group.lastSentAt = head.number
      follow(group, hash)
      parameters.onBump?.({ nonce: tx.nonce, from, to: hash, maxFeePerGas })
    } catch (error) {
      // "nonce too low": one version was mined meanwhile, and its receipt settles the group
      parameters.onBump?.({ nonce: group.tx.nonce, from, maxFeePerGas: group.tx.maxFeePerGas, error: (error as Error).message })
      group.lastSentAt = head.number
    } finally {
      group.bumping = false
    }
  }

  return {
    track(hash, tx, sentAt) {
      let resolve!: (r: TransactionReceipt) => void
      let reject!: (e: unknown) => void
      const settled = new Promise<TransactionReceipt>((res, rej) => {
        resolve = res
        reject = rej
      })
      settled.catch(() => {})
      const group: Group = { tx, hashes: [], lastSentAt: sentAt, bumping: false, gaveUp: false, done: false, waiting: 0, settled, resolve, reject }
      open.add(group)
      follow(group, hash)
    },
    receipt(hash, timeoutMs) {
      const group = byHash.get(hash.toLowerCase())
      return group ? group.settled : follower.receipt(hash, timeoutMs)
    },
    onHead(head) {
      // the lowest unmined nonce holds every later one: only that one is sent again (a later one, once lowest, follows)
      let lowest: Group | undefined
      for (const group of open) if (!group.done && (lowest === undefined || group.tx.nonce < lowest.tx.nonce)) lowest = group
      // one given up on holds the rest too: no more reads for it until its receipt (or timeout) settles it
      if (lowest && !lowest.bumping && !lowest.gaveUp && head.number - lowest.lastSentAt >= BigInt(bumpAfterBlocks)) void bump(lowest, head)
    },
    pending: () => open.size,
  }
}
