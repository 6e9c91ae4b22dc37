import { replayInputs, type ReplayReport } from '@unimargin/aggregator'
import { type ChainConfig, type Config, createChainPublicClient, getChain } from '@unimargin/chains'
import {
  accounts,
  and,
  asc,
  chainCheckpoints,
  chainEvents,
  collateralBalances,
  commandSignatures,
  commands,
  commandTransitions,
  createDatabase,
  type Db,
  type DbOrTx,
  eq,
  gt,
  inArray,
  insuranceFund,
  limitsSequences,
  liquidations,
  mergeReplayedOutbox,
  positions,
  prices,
  registeredVaults,
  removeOrphanedTransitions,
  reorgRemovals,
  sql,
  valuationBlocks,
  withdrawals,
  normalizeHex,
} from '@unimargin/db'
import { findForkPoint } from '@unimargin/watcher'
import pino, { type Logger } from 'pino'
import type { PublicClient } from 'viem'

/** One configured chain as the hub's watcher left it. Block numbers as bigint; null before the watcher wrote a range. */
export type ChainSummary = {
  chainId: number
  name: string
  /** last block whose logs are written */
  checkpoint: bigint | null
  /** newest chain head the watcher saw */
  head: bigint | null
  /** why ingestion halted (a reorg beyond finality, providers that disagree); null while it runs */
  haltedReason: string | null
  haltedAt: Date | null
}

/** Every configured chain with its watcher checkpoint, last seen head and halt (from `chain_checkpoints`, no RPC). */
export async function listChains(db: DbOrTx, config: Config): Promise<ChainSummary[]> {
  const rows = await db.select().from(chainCheckpoints)
  return config.chains.map((c) => {
    const row = rows.find((r) => r.chainId === c.chainId)
    return {
      chainId: c.chainId,
      name: c.name,
      checkpoint: row?.blockNumber ?? null,
      head: row?.headBlock ?? null,
      haltedReason: row?.haltedReason ?? null,
      haltedAt: row?.haltedAt ?? null,
    }
  })
}

/** `chains resume` refused: the chain is running (not halted) and `--force` was not given, or it has no checkpoint. */
export class ChainNotHaltedError extends Error {
  override name = 'ChainNotHaltedError'
}

export type ResumeChainParameters = {
  db: Db
  config: Config
  chainId: number
  /** resume even when the chain is not halted (re-checks its stored blocks against the chain all the same) */
  force?: boolean
  /** recorded with every removed row (default: the halt reason) */
  reason?: string
  /** the chain's client (default: from the config's RPC URLs) */
  client?: Pick<PublicClient, 'getBlock'>
  logger?: Logger
}

export type ResumeResult = {
  chainId: number
  /** the last stored block still canonical (or the block before `startBlock` when none is): ingestion resumes after it */
  forkBlock: bigint
  forkHash: string
  previousCheckpoint: bigint
  /** chain events of orphaned blocks removed (kept in `reorg_removals`) */
  removedEvents: number
  /** the relayer's and the aggregator's records of command executions in orphaned blocks removed */
  removedTransitions: number
  /** commands no longer decided and never sent, removed */
  removedCommands: string[]
  /** commands the rebuild decides that the live outbox did not have, now pending */
  addedCommands: string[]
  /**
   * commands sent (or co-signed) that the remaining inputs no longer decide: kept as they are, facts on other chains
   * (those the relayer had acted on are copied into the rebuild as it replays their transitions: `replay.carried`)
   */
  keptCommands: string[]
  /** commands whose state changed (an execution in an orphaned block undone) */
  changedCommands: string[]
  replay: ReplayReport
}

/** The derived tables `chains resume` replaces with the rebuilt ones (the outbox is merged, see {@link resumeChain}). */
const REPLACED_TABLES = [accounts, collateralBalances, withdrawals, positions, prices, liquidations, insuranceFund, valuationBlocks, limitsSequences, registeredVaults] as const

const json = (row: object) => JSON.parse(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>

/**
 * Brings a chain halted by a reorg beyond its finality back, after an operator has reviewed it, in ONE transaction
 * of `db` (the tables it touches are locked against the node's writers meanwhile):
 * 1. finds the fork point: the highest stored block (chain events, the checkpoint) whose hash the chain still has
 *    ({@link findForkPoint});
 * 2. removes the chain events of the orphaned blocks above it, and the records of command executions in them (the
 *    aggregator's, from a `CommandExecuted` event, and the relayer's, from its delivery receipt, with every transition
 *    of that delivery), each copied first into `reorg_removals` with the fork block and the reason;
 * 3. rebuilds the derived state from the remaining inputs with `replayInputs` into a scratch PGlite and replaces
 *    the live derived tables with it; the outbox is merged: a command the relayer has acted on or that has
 *    co-signatures is a fact on other chains and is kept, with its relayer columns, whether or not the rebuild still
 *    decides it (so it is neither lost nor decided and sent again under another id); its state and outcome follow the
 *    rebuild, which undoes executions seen only in orphaned blocks (the relayer delivers such a command again; a
 *    vault executes a command id once, so a second copy is refused as a replay if the new history did execute it);
 *    a command never sent that the rebuild no longer decides is removed (in `reorg_removals`); a command the rebuild
 *    decides anew is added, pending;
 * 4. moves the watcher's checkpoint to the fork block and clears the halt, so the chain's watcher ingests the new
 *    history from the block after it: a running node's halted watcher sees the halt cleared within a second and
 *    resumes by itself (on PostgreSQL, or when this runs in the node's own process; a PGlite data dir is held by
 *    one process, so from the command line its node is stopped and picks the chain up when started).
 * Escape checkpoints are kept as published. The outbox's part goes through the outbox module
 * (`removeOrphanedTransitions`, `mergeReplayedOutbox`), the only writer of the command tables.
 * @throws {ChainNotHaltedError} when the chain is not halted and `force` is not set, or has no checkpoint.
 * @throws Error when `chainId` is not configured; the RPC or database error (nothing is changed then).
 */
export async function resumeChain(parameters: ResumeChainParameters): Promise<ResumeResult> {
  const { db, config, chainId, force = false } = parameters
  const chain: ChainConfig = getChain(config, chainId)
  const client = parameters.client ?? createChainPublicClient(chain)
  const logger = parameters.logger ?? pino({ level: 'silent' })
  const scratch = await createDatabase()
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(
        sql`lock table chain_checkpoints, chain_events, position_reports, accounts, collateral_balances, withdrawals, positions, prices, commands, command_transitions, command_signatures, liquidations, insurance_fund, valuation_blocks, limits_sequences in exclusive mode`,
      )
      const [checkpoint] = await tx.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chainId))
      if (!checkpoint) throw new ChainNotHaltedError(`Chain ${chainId} (${chain.name}) has no checkpoint: its watcher has not ingested anything, so there is nothing to resume.`)
      if (!checkpoint.haltedReason && !force)
        throw new ChainNotHaltedError(
          `Chain ${chainId} (${chain.name}) is not halted (checkpoint block ${checkpoint.blockNumber}); pass --force to re-check its stored blocks and rebuild all the same.`,
        )
      const reason = parameters.reason ?? checkpoint.haltedReason ?? `chains resume --force of chain ${chainId}`

      const stored = await tx.selectDistinct({ blockNumber: chainEvents.blockNumber, blockHash: chainEvents.blockHash }).from(chainEvents).where(eq(chainEvents.chainId, chainId))
      const fork = await findForkPoint(client, [...stored, { blockNumber: checkpoint.blockNumber, blockHash: checkpoint.blockHash }])
      let forkBlock = fork?.blockNumber ?? chain.startBlock - 1n
      let forkHash = fork?.blockHash
      if (!forkHash && forkBlock >= 0n) forkHash = (await client.getBlock({ blockNumber: forkBlock })).hash ?? undefined
      if (!forkHash) forkBlock = -1n
      const audit = async (tableName: string, rows: object[]): Promise<void> => {
        if (rows.length > 0) await tx.insert(reorgRemovals).values(rows.map((row) => ({ chainId, forkBlock, tableName, row: json(row), reason })))
      }

      // 2. orphaned events, and the executions recorded from them or from deliveries in orphaned blocks
      const orphaned = await tx.select().from(chainEvents).where(and(eq(chainEvents.chainId, chainId), gt(chainEvents.blockNumber, forkBlock))).orderBy(asc(chainEvents.id))
      await audit('chain_events', orphaned)
      if (orphaned.length > 0) await tx.delete(chainEvents).where(inArray(chainEvents.id, orphaned.map((e) => e.id)))
      const executions = await tx
        .select({ t: commandTransitions })
        .from(commandTransitions)
        .innerJoin(commands, eq(commands.id, commandTransitions.commandId))
        .where(
          and(
            eq(commands.destChainId, chainId),
            eq(commandTransitions.toState, 'executed'),
            sql`(${commandTransitions.detail}->>'block') is not null and (${commandTransitions.detail}->>'block')::numeric > ${forkBlock.toString()}::numeric`,
          ),
        )
      const removedTransitionIds = new Set<bigint>()
      const undelivered = new Set<string>()
      for (const { t } of executions) {
        const tx_ = typeof t.detail.tx === 'string' ? t.detail.tx : undefined
        const all = await tx.select().from(commandTransitions).where(eq(commandTransitions.commandId, t.commandId)).orderBy(asc(commandTransitions.id))
        // the execution, every transition recorded from the same delivery transaction, and what followed
        for (const other of all)
          if (other.fromState !== null && (other.id >= t.id || (tx_ !== undefined && other.detail.tx === tx_))) removedTransitionIds.add(other.id)
        undelivered.add(t.commandId)
      }
      await removeOrphanedTransitions(tx, [...removedTransitionIds], audit)

      // 3. rebuild from what remains, then replace the derived tables
      const replay = await replayInputs({ source: tx, target: scratch.db, config, logger, carrySentCommands: true })
      for (const table of REPLACED_TABLES) {
        await tx.delete(table)
        const rows = await scratch.db.select().from(table)
        for (let i = 0; i < rows.length; i += 500) await tx.insert(table).values(rows.slice(i, i + 500) as never)
      }
      await tx.execute(sql`select setval(pg_get_serial_sequence('liquidations', 'id'), coalesce((select max(id) from liquidations), 1))`)

      // the outbox is merged, by its own module: facts on other chains stay, the rest follows the rebuild
      const signed = new Set((await tx.selectDistinct({ id: commandSignatures.commandId }).from(commandSignatures)).map((r) => r.id))
      const merged = await mergeReplayedOutbox(tx, { rebuilt: scratch.db, signed, undelivered, onRemove: audit })
      const result = {
        removedCommands: merged.removedCommands,
        addedCommands: merged.addedCommands,
        keptCommands: [...replay.carried, ...merged.keptCommands],
        changedCommands: merged.changedCommands,
      }

      // 4. the watcher resumes after the fork block
      if (forkBlock < 0n) await tx.delete(chainCheckpoints).where(eq(chainCheckpoints.chainId, chainId))
      else
        await tx
          .update(chainCheckpoints)
          .set({ blockNumber: forkBlock, blockHash: normalizeHex(forkHash!, 'chain_checkpoints.block_hash'), haltedReason: null, haltedAt: null, updatedAt: new Date() })
          .where(eq(chainCheckpoints.chainId, chainId))
      logger.info({ chain_id: chainId, fork_block: forkBlock.toString(), removed_events: orphaned.length, ...result }, 'Resumed chain after a reorg')
      return {
        chainId,
        forkBlock,
        forkHash: forkHash ?? '',
        previousCheckpoint: checkpoint.blockNumber,
        removedEvents: orphaned.length,
        removedTransitions: removedTransitionIds.size + merged.removedExecutions,
        ...result,
        replay,
      }
    })
  } finally {
    await scratch.close()
  }
}
