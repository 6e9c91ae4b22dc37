import { type Hex, type PublicClient, type TransactionReceipt, TransactionReceiptNotFoundError } from 'viem'

/** The head of a chain as a {@link ChainFollower} last saw it. */
export type Head = {
  /** block number */
  number: bigint
  /** block timestamp, unix s */
  timestamp: bigint
  /** block gas limit, gas units */
  gasLimit: bigint
  /** EIP-1559 base fee of the block, wei per gas (0 before London) */
  baseFeePerGas: bigint
  /** `performance.now()` when it was read, ms */
  seenAt: number
  /** hashes of the block's transactions */
  transactions: readonly Hex[]
}

/**
 * One poller per chain for what every relayer step asks of the chain's head: the latest block, and receipts of
 * the transactions the relayer waits for. It reads `eth_getBlockByNumber("latest")` every `intervalMs` while
 * anyone is interested (a receipt is awaited, or the head was read within `idleAfterMs`); on every new block it
 * asks for the receipts still awaited, all at once. Steps therefore read the head without a round trip, and a
 * hundred steps waiting for receipts cost one block poll plus one receipt request per transaction per block, not a
 * block-number poll each as viem's `waitForTransactionReceipt` does.
 */
export type ChainFollower = {
  /**
   * The latest head seen: no round trip while the last poll is younger than `maxAgeMs`; otherwise waits for a poll.
   * @throws the RPC error of that poll (viem), when it fails after the client's retries.
   */
  head(): Promise<Head>
  /**
   * The receipt of transaction `hash` once it is mined (a receipt already mined resolves at the next poll).
   * Receipts are kept for the most recent {@link RECEIPT_CACHE_SIZE} transactions, so a second wait returns at once.
   * @throws Error when no receipt arrived within `timeoutMs` (default {@link DEFAULT_RECEIPT_TIMEOUT_MS}).
   */
  receipt(hash: Hex, timeoutMs?: number): Promise<TransactionReceipt>
  /**
   * Stops asking for the receipt of `hash` (e.g. a transaction replaced by one already mined): its waits reject now.
   */
  forget(hash: Hex): void
  /** Unix timestamp (s) of block `number`: from the blocks seen by the poller, else read once and kept. */
  blockTimestamp(number: bigint): Promise<bigint>
  /** Stops polling (receipts still awaited then time out unless a later call starts it again). */
  stop(): void
}

export type ChainFollowerParameters = {
  client: PublicClient
  /** ms between head polls while active (the caller sizes it to the chain's block time) */
  intervalMs: number
  /** how old a head may be before {@link ChainFollower.head} waits for a fresh one, ms */
  maxAgeMs: number
  /** ms without a head read or a receipt wait after which polling pauses (default 30 000) */
  idleAfterMs?: number
  /** called with every failed poll (the next poll retries) */
  onError?: (error: unknown) => void
  /** called with each new head the poller sees (not with every block when several came between polls) */
  onHead?: (head: Head) => void
}

/** Receipts a follower keeps after they resolved (least recent dropped first). */
export const RECEIPT_CACHE_SIZE = 4096
/** Default wait for one receipt, ms: beyond a relayer step's timeout, so the step reports first. */
export const DEFAULT_RECEIPT_TIMEOUT_MS = 120_000
/** Block timestamps a follower keeps. */
const BLOCK_CACHE_SIZE = 1024

type Waiter = { resolve: (r: TransactionReceipt) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }

/** Starts nothing until first used; see {@link ChainFollower}. */
export function createChainFollower(parameters: ChainFollowerParameters): ChainFollower {
  const { client, intervalMs, maxAgeMs, idleAfterMs = 30_000 } = parameters
  let latest: Head | undefined
  let lastInterest = 0
  let timer: NodeJS.Timeout | undefined
  let polling: Promise<Head> | undefined
  /** awaited hashes (lower-case) with their waiters; `unchecked` ones are asked for at the next poll even without a new block */
  const waiting = new Map<string, { hash: Hex; waiters: Waiter[]; unchecked: boolean }>()
  const receipts = new Map<string, TransactionReceipt>()
  const timestamps = new Map<bigint, bigint>()

  const keep = <K, V>(map: Map<K, V>, key: K, value: V, size: number) => {
    map.delete(key)
    map.set(key, value)
    while (map.size > size) map.delete(map.keys().next().value as K)
  }

  function settle(key: string, receipt: TransactionReceipt) {
    keep(receipts, key, receipt, RECEIPT_CACHE_SIZE)
    const w = waiting.get(key)
    if (!w) return
    waiting.delete(key)
    for (const { resolve, timer } of w.waiters) {
      clearTimeout(timer)
      resolve(receipt)
    }
  }

  async function checkReceipts(advanced: boolean) {
    const due = [...waiting.entries()].filter(([, w]) => advanced || w.unchecked)
    await Promise.all(
      due.map(async ([key, w]) => {
        w.unchecked = false
        try {
          settle(key, await client.getTransactionReceipt({ hash: w.hash }))
        } catch (error) {
          // not mined yet: asked again at the next block
          if (!(error instanceof TransactionReceiptNotFoundError)) parameters.onError?.(error)
        }
      }),
    )
  }

  async function poll(): Promise<Head> {
    const block = await client.getBlock({ blockTag: 'latest' })
    const advanced = latest === undefined || block.number !== latest.number
    latest = {
      number: block.number,
      timestamp: block.timestamp,
      gasLimit: block.gasLimit,
      baseFeePerGas: block.baseFeePerGas ?? 0n,
      seenAt: performance.now(),
      transactions: block.transactions,
    }
    keep(timestamps, block.number, block.timestamp, BLOCK_CACHE_SIZE)
    if (advanced) parameters.onHead?.(latest)
    // not awaited: a step waiting for the head does not wait for receipts as well
    if (waiting.size > 0) checkReceipts(advanced).catch((error: unknown) => parameters.onError?.(error))
    return latest
  }

  /** One poll at a time; a caller arriving during one shares it. */
  function pollOnce(): Promise<Head> {
    polling ??= poll().finally(() => {
      polling = undefined
    })
    return polling
  }

  const active = () => waiting.size > 0 || performance.now() - lastInterest < idleAfterMs

  function schedule() {
    if (timer || !active()) return
    timer = setTimeout(() => {
      timer = undefined
      pollOnce()
        .catch((error: unknown) => parameters.onError?.(error))
        .finally(schedule)
    }, intervalMs)
    timer.unref()
  }

  return {
    async head() {
      lastInterest = performance.now()
      schedule()
      if (latest && performance.now() - latest.seenAt <= maxAgeMs) return latest
      return pollOnce()
    },
    receipt(hash, timeoutMs = DEFAULT_RECEIPT_TIMEOUT_MS) {
      const key = hash.toLowerCase()
      const known = receipts.get(key)
      if (known) return Promise.resolve(known)
      return new Promise<TransactionReceipt>((resolve, reject) => {
        const entry = waiting.get(key) ?? { hash, waiters: [], unchecked: true }
        waiting.set(key, entry)
        const waiter: Waiter = {
          resolve,
          reject,
          timer: setTimeout(() => {
            entry.waiters = entry.waiters.filter((w) => w !== waiter)
            if (entry.waiters.length === 0) waiting.delete(key)
            reject(new Error(`Transaction ${hash} was not mined within ${timeoutMs} ms.`))
          }, timeoutMs),
        }
        waiter.timer.unref()
        entry.waiters.push(waiter)
        schedule()
      })
    },
    forget(hash) {
      const key = hash.toLowerCase()
      const w = waiting.get(key)
      if (!w) return
      waiting.delete(key)
      for (const { reject, timer } of w.waiters) {
        clearTimeout(timer)
        reject(new Error(`Stopped waiting for transaction ${hash}.`))
      }
    },
    async blockTimestamp(number) {
      const known = timestamps.get(number)
      if (known !== undefined) return known
      const block = await client.getBlock({ blockNumber: number })
      keep(timestamps, number, block.timestamp, BLOCK_CACHE_SIZE)
      return block.timestamp
    },
    stop() {
      clearTimeout(timer)
      timer = undefined
      lastInterest = 0
    },
  }
}
