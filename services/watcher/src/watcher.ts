import { type ChainConfig, createChainPublicClient } from '@unimargin/chains'
import { assertLeaseHeld, chainCheckpoints, type Db, eq, insertChainEvents, type LeaseKeeper, LeaseLostError, type NewChainEvent, sql } from '@unimargin/db'
import { createPollLoop, type Watchdog } from '@unimargin/lifecycle'
import type { Logger } from 'pino'
import { type Abi, type AbiEvent, type Address, type Chain, decodeEventLog, type Log, type PublicClient, type Transport, toEventSelector } from 'viem'
import { toJsonArgs } from './args.js'
import { ChainHaltError, FinalityViolationError } from './errors.js'
import { fittedRange, INITIAL_LOG_RANGE, nextRange, responseTooLarge, TARGET_LOGS_PER_RANGE } from './logRange.js'
import { createQuorumReader } from './quorum.js'
import { chainFinalizedBlock, logRangeShrinks } from './watcherMetrics.js'

/** A contract whose logs the watcher ingests, decoded with `abi`. */
export type WatchedContract = { address: Address; abi: Abi }

export type CreateWatcherParameters = {
  db: Db
  /** reports a round that never ends (a hung query or RPC): the node exits so its supervisor restarts it */
  watchdog?: Watchdog | undefined
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
  /** while halted, how often the checkpoint row is read to see whether the halt was cleared, ms (default 1 000) */
  haltCheckIntervalMs?: number
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
  /**
   * Polls until stopped; errors are logged and retried with exponential backoff (capped at 30 s). A
   * {@link ChainHaltError} halts ingestion: the loop then only reads the chain's checkpoint row, every
   * `haltCheckIntervalMs`, and resumes ingesting from the checkpoint it finds once the halt is cleared there
   * (`chains resume`), without a restart.
   */
  start: () => void
  stop: () => Promise<void>
  status: () => WatcherStatus
}

/** Block headers requested at once when logs come without their block's timestamp. */
const HEADER_CONCURRENCY = 16

/**
 * The timestamp (s) of every block the logs are in, by block hash: the log's own `blockTimestamp` where the provider
 * gives it (geth ≥ 1.16, reth, anvil), otherwise the block header from `client`, {@link HEADER_CONCURRENCY} at a time.
 * @throws the RPC error of a header read.
 */
async function blockTimestamps(client: PublicClient, logs: Log[], toBlock: { hash: `0x${string}`; timestamp: bigint }): Promise<Map<string, bigint>> {
  const timestamps = new Map<string, bigint>([[toBlock.hash, toBlock.timestamp]])
  const missing = new Set<`0x${string}`>()
  for (const l of logs) {
    if (!l.blockHash || timestamps.has(l.blockHash)) continue
    if (typeof l.blockTimestamp === 'bigint') timestamps.set(l.blockHash, l.blockTimestamp)
    else missing.add(l.blockHash)
  }
  const queue = [...missing]
  const worker = async () => {
    for (let hash = queue.pop(); hash; hash = queue.pop()) timestamps.set(hash, (await client.getBlock({ blockHash: hash })).timestamp)
  }
  await Promise.all(Array.from({ length: Math.min(HEADER_CONCURRENCY, queue.length) }, worker))
  return timestamps
}

/**
 * Creates the watcher of one chain. It polls `eth_getLogs` for `contracts` over bounded block ranges starting after
 * the checkpoint stored in `chain_checkpoints` (or at `chain.startBlock`), only up to the last final block
 * (`head − chain.confirmations`, or the node's `safe` / `finalized` block with `chain.finality`),
 * takes each log's block timestamp from the log (`blockTimestamp`) or else from its block header,
 * and writes each log once into `chain_events` (key: chain id, block hash, log index; `insertChainEvents` of @unimargin/db) together with the new checkpoint in one transaction, so a restart resumes exactly where the last committed range ended.
 * Before each range it checks that the checkpoint block still has the stored hash, and after reading the range
 * that its first block's parent is the checkpoint block on the provider that served it (parent-hash continuity: a
 * provider behind the others may still answer the checkpoint's height from a replaced branch);
 * a mismatch halts the chain with {@link FinalityViolationError}, recorded in the checkpoint row (`halted_reason`,
 * `halted_at`) before it is thrown, so `/ready` sees it from any process. Each checkpoint write also records the
 * head (`head_block`, and `head_seen_at` when the head moved) and clears a recorded halt, since the checkpoint
 * block matched again. The end block of a range is read before its logs, so a reorg between the two reads is found
 * at the next poll. When the provider rejects a range, the range is halved and retried at the next poll; an answer over
 * the client's size limit instead shrinks it at once to what fits and retries in the same poll. The first range is at most
 * {@link INITIAL_LOG_RANGE} blocks; each written range doubles it, up to `chain.maxLogRange` and to the span that holds about {@link TARGET_LOGS_PER_RANGE} logs at
 * the density just seen.
 * While a range is decoded and written, the next one is already read (one range ahead, reads only); the next
 * poll uses it only if it starts right after the checkpoint then stored and ends at a final block, after the same
 * checkpoint-hash check as any range, so a reorg between that read and its write is found at the following poll.
 * With a `lease`, several nodes on one database run a watcher of the chain and only the lease holder ingests; the
 * write of each range checks the lease in its transaction, so a node that lost it writes nothing more.
 * A halted watcher stays halted in memory until its checkpoint row no longer records a halt (an operator's
 * `chains resume` cleared it and moved the checkpoint to the fork block): it then resumes from that checkpoint, in
 * the same process, leaving the other chains' watchers alone.
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
  // slow start: the chain's log density is unknown until the first range is read
  let range = BigInt(Math.min(chain.maxLogRange, INITIAL_LOG_RANGE))
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

  type RangeRead = { logs: Log[]; toBlock: { hash: `0x${string}`; timestamp: bigint }; reader: PublicClient }
  /** the range read ahead by the last poll, if any */
  let prefetched: { from: bigint; to: bigint; read: Promise<RangeRead> } | undefined

  /**
   * The logs of `[from, to]` and the block at `to` (through the quorum when the chain has one).
   * @throws {QuorumDisagreementError} / {QuorumUnavailableError} with a quorum; the RPC error; an Error when logs of
   * block `to` carry another hash than its header.
   */
  async function readRange(from: bigint, to: bigint): Promise<RangeRead> {
    if (quorum) {
      const agreed = await quorum.read(addresses, from, to)
      return { logs: agreed.logs, toBlock: agreed.toBlock, reader: agreed.client }
    }
    // the end block first: a reorg between the two reads then leaves a checkpoint hash the next poll finds
    // replaced (a halt), never logs of a vanished branch under the new branch's hash
    const toBlock = await client.getBlock({ blockNumber: to })
    const logs = await client.getLogs({ address: addresses, fromBlock: from, toBlock: to })
    const stray = logs.find((l) => l.blockNumber === to && l.blockHash !== toBlock.hash)
    if (stray) throw new Error(`Chain ${chain.chainId}: logs of block ${to} came from another branch (${stray.blockHash}) than its header (${toBlock.hash}).`)
    return { logs, toBlock, reader: client }
  }

  /**
   * Whether the range read by `reader` from block `from` continues the checkpoint's branch: block `from`'s parent is
   * the checkpoint block. A provider behind the others can serve the checkpoint's replaced block to the poll's hash
   * check while the range comes from the new branch; without this the watcher would write past a reorg below its
   * checkpoint and never halt.
   * @throws {FinalityViolationError} (recorded) when `reader` itself no longer has the checkpoint block; an Error
   *   (retried by the next poll) when it has it but serves a block `from` that does not follow it.
   */
  async function assertContinues(reader: PublicClient, from: bigint, checkpoint: { blockNumber: bigint; blockHash: string }): Promise<void> {
    const first = await reader.getBlock({ blockNumber: from })
    if (first.parentHash === checkpoint.blockHash) return
    const block = await reader.getBlock({ blockNumber: checkpoint.blockNumber })
    if (block.hash !== checkpoint.blockHash)
      await recordHalt(new FinalityViolationError(chain.chainId, checkpoint.blockNumber, checkpoint.blockHash, block.hash))
    throw new Error(`Chain ${chain.chainId}: block ${from} (parent ${first.parentHash}) does not follow block ${checkpoint.blockNumber} (${checkpoint.blockHash}) on the same provider.`)
  }

  const haltCheckIntervalMs = parameters.haltCheckIntervalMs ?? 1_000
  let haltCheckedAt = 0

  /**
   * Whether a halted watcher may ingest again: its checkpoint row no longer records a halt (cleared by `chains
   * resume`, or by another node's watcher that found the checkpoint canonical). Clears the halt in memory then, so
   * the next range starts after the checkpoint the row holds now.
   */
  async function haltCleared(): Promise<boolean> {
    const row = await readCheckpoint()
    if (row?.haltedReason) return false
    log.info({ checkpoint: row?.blockNumber.toString() ?? null, reason: state.halted?.name }, 'Resumed ingestion after the halt was cleared')
    state.halted = undefined
    state.checkpoint = row?.blockNumber
    range = BigInt(Math.min(chain.maxLogRange, INITIAL_LOG_RANGE))
    return true
  }

  async function poll(): Promise<{ written: number; caughtUp: boolean }> {
    const ahead = prefetched
    prefetched = undefined
    if (state.halted && !(await haltCleared())) throw state.halted
    // another node ingests this chain: stand by
    if (lease && !lease.held()) return { written: 0, caughtUp: true }
    const head = await client.getBlockNumber({ cacheTime: 0 })
    state.head = head
    const safe = chain.finality === 'confirmations' ? head - BigInt(chain.confirmations) : await taggedBlock(chain.finality)
    chainFinalizedBlock.set({ chain: chain.name }, Number(safe))
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
    let to: bigint
    let logs: Log[]
    let toBlock: { hash: `0x${string}`; timestamp: bigint }
    let reader: PublicClient
    // the range the last poll read ahead: used only if it starts after this checkpoint and ends at a final block
    let pending = ahead && ahead.from === from && ahead.to <= safe ? ahead : undefined
    for (;;) {
      to = pending ? pending.to : from + range - 1n < safe ? from + range - 1n : safe
      try {
        ;({ logs, toBlock, reader } = pending ? await pending.read : await readRange(from, to))
        break
      } catch (error) {
        pending = undefined
        if (error instanceof ChainHaltError) await recordHalt(error)
        const span = to - from + 1n
        const tooLarge = responseTooLarge(error)
        if (range > 1n) {
          // an answer over the client's size limit is not an outage: the range that fits is known, so retry it now
          range = tooLarge && span > 1n ? fittedRange(span, tooLarge) : range / 2n
          logRangeShrinks.inc({ chain: chain.name })
          log.warn({ from_block: from, to_block: to, range, err: (error as Error).message }, 'Shrank log range after a provider error')
          if (tooLarge && span > 1n) continue
        }
        throw error
      }
    }
    if (checkpoint) await assertContinues(reader, from, checkpoint)
    const following = nextRange(range, to - from + 1n, logs.length, BigInt(chain.maxLogRange))
    if (to < safe) {
      // read the next range while this one is decoded and written (reads only: nothing is written before the next
      // poll has checked the checkpoint this range leaves)
      const nextFrom = to + 1n
      const nextTo = nextFrom + following - 1n < safe ? nextFrom + following - 1n : safe
      const read = readRange(nextFrom, nextTo)
      read.catch(() => undefined)
      prefetched = { from: nextFrom, to: nextTo, read }
    }
    const timestamps = await blockTimestamps(reader, logs, toBlock)

    const rows: NewChainEvent[] = []
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
        const inserted = await insertChainEvents(tx, rows)
        await tx
          .insert(chainCheckpoints)
          .values({ chainId: chain.chainId, blockNumber: to, blockHash: toBlock.hash, headBlock: head, headSeenAt })
          .onConflictDoUpdate({
            target: chainCheckpoints.chainId,
            set: { blockNumber: to, blockHash: toBlock.hash, updatedAt: new Date(), headBlock: head, headSeenAt, haltedReason: null, haltedAt: null },
          })
        return inserted
      })
    } catch (error) {
      // the lease passed to another node since the poll began: it ingests this range, this node stands by
      if (!(error instanceof LeaseLostError)) throw error
      log.info({ lease: error.lease }, 'Lost the chain\'s lease; standing by')
      return { written: 0, caughtUp: true }
    }
    state.checkpoint = to
    range = following
    if (written > 0) log.debug({ from_block: from, to_block: to, events: written }, 'Wrote confirmed events')
    return { written, caughtUp: to >= safe }
  }

  const loop = createPollLoop({
    watchdog: parameters.watchdog,
    name: `watcher:${chain.chainId}`,
    intervalMs: pollIntervalMs,
    run: async () => {
      if (state.halted) {
        // halted: only look, now and then, whether an operator cleared the halt
        if (performance.now() - haltCheckedAt < haltCheckIntervalMs) return false
        haltCheckedAt = performance.now()
        if (!(await haltCleared())) return false
      }
      const { caughtUp } = await poll()
      state.failures = 0
      return !caughtUp
    },
    onError: (error, failures, retryInMs) => {
      if (error instanceof ChainHaltError) {
        log.error({ err: error.message, reason: error.name }, error instanceof FinalityViolationError ? 'Halted ingestion after a reorg below finality' : 'Halted ingestion: providers disagree')
        haltCheckedAt = performance.now()
        return
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
      prefetched = undefined
      await lease?.stop()
    },
    status: () => ({ ...state, leaseHeld: lease ? lease.held() : true }),
  }
}
