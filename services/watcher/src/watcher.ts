import { type ChainConfig, createChainPublicClient } from '@unimargin/chains'
import { assertLeaseHeld, chainCheckpoints, chainEvents, type Db, eq, type LeaseKeeper, LeaseLostError, sql } from '@unimargin/db'
import { createPollLoop } from '@unimargin/lifecycle'
import type { Logger } from 'pino'
import { type Abi, type AbiEvent, type Address, type Chain, decodeEventLog, type Log, type PublicClient, type Transport, toEventSelector } from 'viem'
import { toJsonArgs } from './args.js'
import { ChainHaltError, FinalityViolationError } from './errors.js'
import { createQuorumReader } from './quorum.js'

/** A contract whose logs the watcher ingests, decoded with `abi`. */
export type WatchedContract = { address: Address; abi: Abi }

export type CreateWatcherParameters = {
  db: Db
  chain: ChainConfig
  contracts: WatchedContract[]
  logger: Logger
  client?: PublicClient<Transport, Chain>
  /** delay between polls when caught up, ms (default: a quarter of the block time, at least 50) */
  pollIntervalMs?: number
  /**
   * the chain's lease among the nodes sharing the database (`watcher:<chainId>`, see `createLeaseKeeper` of
   * @unimargin/db): the watcher ingests only while it holds it, and each range's write checks it in the same
   * transaction. The watcher starts and stops the keeper. Absent: this process is the chain's only watcher.
   */
  lease?: LeaseKeeper
}

export type WatcherStatus = {
  chainId: number
  /** last block whose logs are written (the checkpoint); undefined before the first range */
  checkpoint: bigint | undefined
  /** chain head at the last poll */
  head: bigint | undefined
  /** consecutive failed polls */
  failures: number
  /** why ingestion of this chain stopped (a reorg below finality, providers that disagree); undefined while running */
  halted: ChainHaltError | undefined
  /** whether this node holds the chain's lease (always true without one): a standby watcher ingests nothing */
  leaseHeld: boolean
}

export type Watcher = {
  /**
   * Ingests at most one bounded range of confirmed blocks. Returns the number of events written (duplicates not
   * counted) and whether more confirmed blocks remain.
   * @throws {FinalityViolationError} when the checkpoint block was reorganised away.
   * @throws {QuorumDisagreementError} when the chain has a quorum and its providers disagree on the range.
   * @throws {QuorumUnavailableError} when fewer providers than the quorum answered (retried, not a halt).
   * @throws the RPC or database error after the transport's own retries.
   */
  poll: () => Promise<{ written: number; caughtUp: boolean }>
  /** Polls until stopped; errors are logged and retried with exponential backoff (capped at 30 s); a {@link ChainHaltError} halts it. */
  start: () => void
  stop: () => Promise<void>
  status: () => WatcherStatus
}

/**
 * Creates the watcher of one chain. It polls `eth_getLogs` for `contracts` over bounded block ranges starting after
 * the checkpoint stored in `chain_checkpoints` (or at `chain.startBlock`), only up to the last final block
 * (`head − chain.confirmations`, or the node's `safe` / `finalized` block with `chain.finality`),
 * and writes each log once into `chain_events` (key: chain id, block hash, log index) together with the new
 * checkpoint in one transaction, so a restart resumes exactly where the last committed range ended.
 * Before each range it checks that the checkpoint block still has the stored hash (parent-hash continuity);
 * a mismatch halts the chain with {@link FinalityViolationError}, recorded in the checkpoint row (`halted_reason`,
 * `halted_at`) before it is thrown, so `/ready` sees it from any process. Each checkpoint write also records the
 * head (`head_block`, and `head_seen_at` when the head moved) and clears a recorded halt, since the checkpoint
 * block matched again. The end block of a range is read before its logs, so a reorg between the two reads is found
 * at the next poll. When the provider rejects a range, the range is halved and retried; each written range doubles it
 * again, up to `chain.maxLogRange`.
 * With a `lease`, several nodes on one database run a watcher of the chain and only the lease holder ingests; the
 * write of each range checks the lease in its transaction, so a node that lost it writes nothing more.
 * JSON-RPC: `eth_blockNumber`, `eth_getBlockByNumber`, `eth_getLogs`.
 * Tables: reads and writes `chain_checkpoints`, writes `chain_events`.
 */
export function createWatcher(parameters: CreateWatcherParameters): Watcher {
  const { db, chain, contracts, logger } = parameters
  const log = logger.child({ service: 'watcher', chain_id: chain.chainId })
  const client = parameters.client ?? createChainPublicClient(chain)
  const pollIntervalMs = parameters.pollIntervalMs ?? Math.max(50, Math.floor(chain.blockTimeMs / 4))
  // per address, each event's single-item ABI by its topic0: decoding against a whole ABI hashes every event
  // signature of it for every log
  const eventsByAddress = new Map(
    contracts.map((c) => [
      c.address.toLowerCase(),
      new Map((c.abi as Abi).filter((x): x is AbiEvent => x.type === 'event' && !x.anonymous).map((e) => [toEventSelector(e), [e] as Abi])),
    ]),
  )
  const addresses = contracts.map((c) => c.address)
  const { lease } = parameters
  const state: Omit<WatcherStatus, 'leaseHeld'> = { chainId: chain.chainId, checkpoint: undefined, head: undefined, failures: 0, halted: undefined }
  let range = BigInt(chain.maxLogRange)
  const quorum = chain.quorum > 1 ? createQuorumReader(chain, chain.quorum) : undefined

  /** The number of the node's `safe` or `finalized` block (a tag the node does not support is a poll failure). */
  async function taggedBlock(tag: 'safe' | 'finalized'): Promise<bigint> {
    const block = await client.getBlock({ blockTag: tag })
    return block.number
  }

  async function readCheckpoint() {
    const [row] = await db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain.chainId))
    return row
  }

  /**
   * Records the halt in the checkpoint row (keeping the first `halted_at` of a halt that repeats after a restart).
   * The halt is latched in memory only once recorded: a failed write throws, and the next poll detects it again.
   */
  async function recordHalt(error: ChainHaltError): Promise<never> {
    await db
      .update(chainCheckpoints)
      .set({ haltedReason: error.message, haltedAt: sql`coalesce(${chainCheckpoints.haltedAt}, ${new Date().toISOString()}::timestamptz)` })
      .where(eq(chainCheckpoints.chainId, chain.chainId))
    state.halted = error
    throw error
  }

  async function poll(): Promise<{ written: number; caughtUp: boolean }> {
    if (state.halted) throw state.halted
    // another node ingests this chain: stand by
    if (lease && !lease.held()) return { written: 0, caughtUp: true }
    const head = await client.getBlockNumber({ cacheTime: 0 })
    state.head = head
    const safe = chain.finality === 'confirmations' ? head - BigInt(chain.confirmations) : await taggedBlock(chain.finality)
    const checkpoint = await readCheckpoint()
    if (checkpoint) {
      const block = await client.getBlock({ blockNumber: checkpoint.blockNumber })
      if (block.hash !== checkpoint.blockHash)
        await recordHalt(new FinalityViolationError(chain.chainId, checkpoint.blockNumber, checkpoint.blockHash, block.hash))
    }
    // one watcher per chain writes its row, so the row just read says whether the head moved
    const headSeenAt = checkpoint?.headBlock === head && checkpoint.headSeenAt ? checkpoint.headSeenAt : new Date()
    const from = checkpoint ? checkpoint.blockNumber + 1n : chain.startBlock
    state.checkpoint = checkpoint?.blockNumber
    if (from > safe) {
      // nothing confirmed to write (e.g. confirmations were raised): still record a head that moved
      if (checkpoint && checkpoint.headBlock !== head)
        await db.update(chainCheckpoints).set({ headBlock: head, headSeenAt }).where(eq(chainCheckpoints.chainId, chain.chainId))
      return { written: 0, caughtUp: true }
    }
    const to = from + range - 1n < safe ? from + range - 1n : safe

    let logs: Log[]
    let toBlock: { hash: `0x${string}`; timestamp: bigint }
    let reader: PublicClient = client
    try {
      if (quorum) {
        const agreed = await quorum.read(addresses, from, to)
        logs = agreed.logs
        toBlock = agreed.toBlock
        reader = agreed.client
      } else {
        // the end block first: a reorg between the two reads then leaves a checkpoint hash the next poll finds
        // replaced (a halt), never logs of a vanished branch under the new branch's hash
        toBlock = await client.getBlock({ blockNumber: to })
        logs = await client.getLogs({ address: addresses, fromBlock: from, toBlock: to })
        const stray = logs.find((l) => l.blockNumber === to && l.blockHash !== toBlock.hash)
        if (stray) throw new Error(`Chain ${chain.chainId}: logs of block ${to} came from another branch (${stray.blockHash}) than its header (${toBlock.hash}).`)
      }
    } catch (error) {
      if (error instanceof ChainHaltError) await recordHalt(error)
      if (range > 1n) {
        range = range / 2n
        log.warn({ from_block: from, to_block: to, range, err: (error as Error).message }, 'Shrank log range after a provider error')
      }
      throw error
    }
    const timestamps = new Map<string, bigint>([[toBlock.hash, toBlock.timestamp]])
    for (const l of logs) {
      if (l.blockHash && !timestamps.has(l.blockHash)) {
        const b = await reader.getBlock({ blockHash: l.blockHash })
        timestamps.set(l.blockHash, b.timestamp)
      }
    }

    const rows: (typeof chainEvents.$inferInsert)[] = []
    for (const l of logs) {
      const events = eventsByAddress.get(l.address.toLowerCase())
      if (!events || l.blockHash === null || l.logIndex === null || l.transactionHash === null || l.blockNumber === null) continue
      let decoded: { eventName: string; args: unknown }
      try {
        const abi = l.topics[0] ? events.get(l.topics[0]) : undefined
        if (!abi) throw new Error('no event with this topic')
        decoded = decodeEventLog({ abi, data: l.data, topics: l.topics, strict: true }) as { eventName: string; args: unknown }
      } catch {
        log.warn({ address: l.address, block_number: l.blockNumber, log_index: l.logIndex }, 'Skipped a log no ABI event matches')
        continue
      }
      rows.push({
        chainId: chain.chainId,
        blockNumber: l.blockNumber,
        blockHash: l.blockHash,
        blockTimestamp: timestamps.get(l.blockHash) ?? toBlock.timestamp,
        txHash: l.transactionHash,
        logIndex: l.logIndex,
        address: l.address,
        eventName: decoded.eventName,
        args: toJsonArgs(decoded.args),
      })
    }

    let written: number
    try {
      written = await db.transaction(async (tx) => {
        // only the chain's lease holder writes, and no node takes the lease over before this commits
        if (lease) await assertLeaseHeld(tx, lease.name, lease.holder)
        const inserted = rows.length ? await tx.insert(chainEvents).values(rows).onConflictDoNothing().returning({ id: chainEvents.id }) : []
        await tx
          .insert(chainCheckpoints)
          .values({ chainId: chain.chainId, blockNumber: to, blockHash: toBlock.hash, headBlock: head, headSeenAt })
          .onConflictDoUpdate({
            target: chainCheckpoints.chainId,
            set: { blockNumber: to, blockHash: toBlock.hash, updatedAt: new Date(), headBlock: head, headSeenAt, haltedReason: null, haltedAt: null },
          })
        return inserted.length
      })
    } catch (error) {
      // the lease passed to another node since the poll began: it ingests this range, this node stands by
      if (!(error instanceof LeaseLostError)) throw error
      log.info({ lease: error.lease }, 'Lost the chain\'s lease; standing by')
      return { written: 0, caughtUp: true }
    }
    state.checkpoint = to
    if (range < BigInt(chain.maxLogRange)) range = range * 2n > BigInt(chain.maxLogRange) ? BigInt(chain.maxLogRange) : range * 2n
    if (written > 0) log.debug({ from_block: from, to_block: to, events: written }, 'Wrote confirmed events')
    return { written, caughtUp: to >= safe }
  }

  const loop = createPollLoop({
    intervalMs: pollIntervalMs,
    run: async () => {
      const { caughtUp } = await poll()
      state.failures = 0
      return !caughtUp
    },
    onError: (error, failures, retryInMs) => {
      if (error instanceof ChainHaltError) {
        log.error({ err: error.message, reason: error.name }, error instanceof FinalityViolationError ? 'Halted ingestion after a reorg below finality' : 'Halted ingestion: providers disagree')
        return 'stop'
      }
      state.failures = failures
      log.warn({ err: (error as Error).message, failures, retry_in_ms: retryInMs }, 'Failed to poll chain')
    },
  })

  return {
    poll,
    start() {
      lease?.start()
      loop.start()
    },
    async stop() {
      await loop.stop()
      await lease?.stop()
    },
    status: () => ({ ...state, leaseHeld: lease ? lease.held() : true }),
  }
}
