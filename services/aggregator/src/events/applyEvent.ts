import { and, cancelCommands, type chainEvents, commands, desc, eq, inArray, normalizeHex, isNull, notifyAccountChanged, notifyPricesChanged, prices, recordExecutionOutcome, sql, transitionCommand, valuationBlocks, withdrawals } from '@unimargin/db'
import { commandOutcomeName as outcomeName, RejectReason } from '@unimargin/protocol'
import type { Address } from 'viem'
import { assetsOfFeed, chainOfVault } from '../common/config.js'
import type { Context } from '../common/context.js'
import { adjustBalance, lockAccount, updateAccount } from '../ledger/index.js'
import { healthRecomputeSeconds } from '../metrics/healthMetrics.js'
import { accountsWithPositions, applySeized, applySeizeIgnored, lockedAccounts, reviewAccount, startLiquidation } from '../liquidation/index.js'
import { observeLimitsSequence } from '../limits/index.js'
import { writeCommand } from '../outbox/index.js'
import { applyRegistryEvent, isRegistryEvent } from '../registry/index.js'
import { decideWithdrawal } from '../withdrawals/index.js'
import { type EventName, isKnownEvent, parseEventArgs } from './args.js'

export type ChainEventRow = typeof chainEvents.$inferSelect
export type ApplyResult = 'applied' | 'ignored'

/**
 * Applies one chain event to the hub's state in the caller's transaction (balances, withdrawals, prices, locks,
 * liquidations, outbox; the hub chain's VaultRegistry events into `registered_vaults`). Events from an address that
 * is neither the chain's vault, one of its feeds nor the registry, and unknown event names, are ignored.
 * @throws {InvalidEventError} when a known event's arguments are malformed.
 */
export async function applyEvent(ctx: Context, event: ChainEventRow): Promise<ApplyResult> {
  const { config } = ctx
  const chain = config.chains.find((c) => c.chainId === event.chainId)
  if (!chain) return 'ignored'
  await advanceValuationBlock(ctx, event)
  const name = event.eventName
  if (isRegistryEvent(config, event)) return (await applyRegistryEvent(ctx, event)) ? 'applied' : 'ignored'
  if (chainOfVault(config, event.chainId, event.address)) {
    if (!isKnownEvent(name) || name === 'AnswerUpdated') return 'ignored'
    await applyVaultEvent(ctx, event, name)
    return 'applied'
  }
  if (name === 'AnswerUpdated' && assetsOfFeed(config, event.chainId, event.address).length > 0) {
    await applyAnswerUpdated(ctx, event)
    return 'applied'
  }
  return 'ignored'
}

async function advanceValuationBlock(ctx: Context, event: ChainEventRow) {
  const now = ctx.now()
  await ctx.tx
    .insert(valuationBlocks)
    .values({ chainId: event.chainId, blockNumber: event.blockNumber, blockHash: event.blockHash, blockTimestamp: event.blockTimestamp, updatedAt: now })
    .onConflictDoUpdate({
      target: valuationBlocks.chainId,
      set: { blockNumber: event.blockNumber, blockHash: event.blockHash, blockTimestamp: event.blockTimestamp, updatedAt: now },
      setWhere: sql`${valuationBlocks.blockNumber} <= ${event.blockNumber.toString()}::bigint`,
    })
}

async function applyVaultEvent(ctx: Context, event: ChainEventRow, name: Exclude<EventName, 'AnswerUpdated'>) {
  const { tx, logger } = ctx
  const now = ctx.now()
  const chainId = event.chainId
  switch (name) {
    case 'Deposited': {
      const a = parseEventArgs(name, event.args)
      const account = await lockAccount(tx, a.account)
      const balance = await adjustBalance(tx, { account: a.account, chainId, asset: a.asset }, a.amount, now)
      logger.info({ chain_id: chainId, account: a.account, asset: a.asset, amount: a.amount.toString(), balance: balance.toString() }, 'Credited deposit')
      // a deposit only adds collateral: at once it matters only to a lock the co-signers may have refused as healthy.
      // A deferred account (below the trigger, no collateral seen before) is not locked here but at the next price:
      // the other events of the same block may not be applied yet, and a lock on that partial view would be wrong
      if (account.lockState === 'locking') await reviewAccount(ctx, a.account)
      return
    }
    case 'WithdrawalRequested': {
      const a = parseEventArgs(name, event.args)
      await decideWithdrawal(ctx, { chainId, requestId: a.requestId, account: a.account, asset: a.asset, amount: a.amount, recipient: a.recipient, txHash: event.txHash })
      return
    }
    case 'WithdrawalExecuted': {
      const a = parseEventArgs(name, event.args)
      // only an ApproveWithdrawal pays, and only the newest of a request's approvals can still do so (an older one was
      // voided by a lock epoch before it was re-decided): the ledger names it even when a lock decided after the
      // payout, before the hub saw it, had already pointed the request at its RejectWithdrawal
      const [paidBy] = await tx
        .select({ id: commands.id })
        .from(commands)
        .where(and(eq(commands.cause, `withdrawal:${chainId}:${a.requestId}`), eq(commands.kind, 'ApproveWithdrawal')))
        .orderBy(desc(commands.createdAt))
        .limit(1)
      const [w] = await tx
        .update(withdrawals)
        .set({ state: 'executed', escrowClosedAt: now, updatedAt: now, ...(paidBy ? { commandId: paidBy.id, reason: null } : {}) })
        .where(and(eq(withdrawals.chainId, chainId), eq(withdrawals.requestId, a.requestId)))
        .returning({ account: withdrawals.account })
      if (!w) logger.warn({ chain_id: chainId, request_id: a.requestId.toString() }, 'Saw execution of an unknown withdrawal')
      else {
        logger.info({ chain_id: chainId, request_id: a.requestId.toString(), account: w.account }, 'Executed withdrawal')
        await reviewAccount(ctx, w.account as Address)
      }
      return
    }
    case 'WithdrawalRejected': {
      const a = parseEventArgs(name, event.args)
      await lockAccount(tx, a.account)
      await adjustBalance(tx, { account: a.account, chainId, asset: a.asset }, a.amount, now)
      const key = and(eq(withdrawals.chainId, chainId), eq(withdrawals.requestId, a.requestId))
      await tx.update(withdrawals).set({ escrowClosedAt: now, updatedAt: now }).where(key)
      await tx
        .update(withdrawals)
        .set({ state: 'rejected' })
        .where(and(key, inArray(withdrawals.state, ['requested', 'reserved', 'approved', 'voided', 'expired'])))
      logger.info({ chain_id: chainId, request_id: a.requestId.toString(), account: a.account, amount: a.amount.toString() }, 'Released rejected withdrawal escrow')
      await cancelApprovals(ctx, chainId, a.requestId, { event: 'WithdrawalRejected', tx: event.txHash })
      await reviewAccount(ctx, a.account)
      return
    }
    case 'WithdrawalCancelled': {
      // the account took its escrow back after the request timeout: once, whatever state the hub had reached
      const a = parseEventArgs(name, event.args)
      await lockAccount(tx, a.account)
      const [closed] = await tx
        .update(withdrawals)
        .set({ state: 'expired', escrowClosedAt: now, updatedAt: now })
        .where(and(eq(withdrawals.chainId, chainId), eq(withdrawals.requestId, a.requestId), isNull(withdrawals.escrowClosedAt)))
        .returning({ requestId: withdrawals.requestId })
      if (!closed) {
        logger.warn({ chain_id: chainId, request_id: a.requestId.toString() }, 'Ignored cancellation of an unknown or already closed withdrawal')
        return
      }
      await adjustBalance(tx, { account: a.account, chainId, asset: a.asset }, a.amount, now)
      logger.info({ chain_id: chainId, request_id: a.requestId.toString(), account: a.account, amount: a.amount.toString() }, 'Released cancelled withdrawal escrow')
      await cancelApprovals(ctx, chainId, a.requestId, { event: 'WithdrawalCancelled', tx: event.txHash })
      await reviewAccount(ctx, a.account)
      return
    }
    case 'LimitsSet': {
      const a = parseEventArgs(name, event.args)
      logger.info(
        {
          chain_id: chainId,
          asset: a.asset,
          outflow_limit: a.outflowLimit.toString(),
          period_seconds: a.periodSeconds,
          paused: a.paused,
          limits_sequence: a.limitsSequence?.toString(),
        },
        'Vault outflow limits set',
      )
      if (a.limitsSequence !== undefined) await observeLimitsSequence(tx, { chainId, vault: event.address as Address, asset: a.asset }, a.limitsSequence, now)
      return
    }
    case 'AccountLocked': {
      const a = parseEventArgs(name, event.args)
      const account = await lockAccount(tx, a.account)
      if (account.lockState !== 'locking' || account.lockEpoch !== a.epoch) {
        logger.warn({ chain_id: chainId, account: a.account, epoch: a.epoch, lock_epoch: account.lockEpoch, lock_state: account.lockState }, 'Ignored lock confirmation of another epoch')
        return
      }
      const lockedChains = [...new Set([...account.lockedChains, chainId])].sort((x, y) => x - y)
      const done = account.lockChains.every((c) => lockedChains.includes(c))
      await updateAccount(tx, a.account, { lockedChains, ...(done ? { lockState: 'locked' as const } : {}) }, now)
      logger.info({ chain_id: chainId, account: a.account, epoch: a.epoch, all_locked: done }, 'Confirmed account lock')
      if (done) await startLiquidation(ctx, { ...account, lockedChains, lockState: 'locked' })
      return
    }
    case 'AccountUnlocked': {
      const a = parseEventArgs(name, event.args)
      const account = await lockAccount(tx, a.account)
      if (account.lockEpoch !== a.epoch || (account.lockState !== 'unlocking' && account.lockState !== 'locked')) {
        logger.warn({ chain_id: chainId, account: a.account, epoch: a.epoch, lock_state: account.lockState }, 'Ignored unlock confirmation of another epoch')
        return
      }
      const lockedChains = account.lockedChains.filter((c) => c !== chainId)
      const done = lockedChains.length === 0 && account.lockState === 'unlocking'
      await updateAccount(tx, a.account, done ? { lockedChains, lockChains: [], lockState: 'unlocked' } : { lockedChains }, now)
      logger.info({ chain_id: chainId, account: a.account, epoch: a.epoch, all_unlocked: done }, 'Confirmed account unlock')
      if (done) await reviewAccount(ctx, a.account)
      return
    }
    case 'Seized': {
      const a = parseEventArgs(name, event.args)
      await applySeized(ctx, { chainId, account: a.account, asset: a.asset, amount: a.amount, receiver: a.receiver, epoch: a.epoch })
      logger.info({ chain_id: chainId, account: a.account, asset: a.asset, amount: a.amount.toString(), epoch: a.epoch }, 'Moved seized collateral')
      return
    }
    case 'CommandExecuted': {
      const a = parseEventArgs(name, event.args)
      const [command] = await tx.select().from(commands).where(eq(commands.id, normalizeHex(a.commandId, 'CommandExecuted.commandId'))).for('update')
      if (!command) {
        logger.warn({ chain_id: chainId, command_id: a.commandId }, 'Saw execution of an unknown command')
        return
      }
      const outcome = outcomeName(a.outcome)
      if (command.state !== 'executed') {
        // the row is locked: the move from its current state cannot lose to another writer
        await transitionCommand(
          tx,
          command,
          'executed',
          { tx: event.txHash, chain_id: chainId, block: event.blockNumber.toString(), outcome, vm_hash: a.vmHash ?? null, source: 'vault_event' },
          { outcome, deliverTx: command.deliverTx ?? event.txHash },
          { at: now },
        )
      } else if (!command.outcome) {
        await recordExecutionOutcome(tx, command.id, outcome, now)
      }
      logger.info({ chain_id: chainId, command_id: command.id, kind: command.kind, outcome }, 'Confirmed command execution')
      // the account view shows the state of its withdrawals' commands
      await notifyAccountChanged(tx, command.account)
      const unpaid = command.kind === 'ApproveWithdrawal' ? UNPAID_APPROVALS[outcome as keyof typeof UNPAID_APPROVALS] : undefined
      if (unpaid) {
        // the vault kept the request pending: release the escrow rather than leave it hanging
        const [voided] = await tx
          .update(withdrawals)
          .set({ state: 'voided', reason: unpaid.reason(chainId), updatedAt: now })
          .where(and(eq(withdrawals.commandId, command.id), eq(withdrawals.state, 'approved')))
          .returning()
        if (voided) {
          const { id } = await writeCommand(ctx, {
            body: { kind: 'RejectWithdrawal', requestId: voided.requestId, reason: unpaid.code },
            account: voided.account as Address,
            destChainId: voided.chainId,
            cause: `withdrawal:${voided.chainId}:${voided.requestId}`,
          })
          await tx.update(withdrawals).set({ commandId: id }).where(and(eq(withdrawals.chainId, voided.chainId), eq(withdrawals.requestId, voided.requestId)))
        }
      }
      if (command.kind === 'Seize' && outcome !== 'applied') await applySeizeIgnored(ctx, command.account as Address, command.id)
      if (command.kind === 'SetLimits' && outcome === 'superseded')
        // a newer SetLimits of the same vault and asset was delivered first: the vault keeps it, nothing to undo
        logger.info({ chain_id: chainId, command_id: command.id }, 'Vault kept newer limits over a superseded SetLimits')
      if ((command.kind === 'Lock' || command.kind === 'Unlock') && outcome !== 'applied')
        logger.error({ chain_id: chainId, command_id: command.id, kind: command.kind, outcome, account: command.account }, 'Vault ignored lock command')
      return
    }
  }
}

/**
 * Outcomes of an approval the vault could not pay and kept pending: the hub voids it and rejects the request, so
 * no escrow is left on a vault without a command that will release it.
 */
const UNPAID_APPROVALS = {
  voided_by_lock: {
    code: RejectReason.AccountLocked,
    reason: (chainId: number) => `The vault on chain ${chainId} was locked, or at another lock epoch, when the approval arrived.`,
  },
  insufficient_liquidity: {
    code: RejectReason.InsufficientLiquidity,
    reason: (chainId: number) => `The vault on chain ${chainId} lacked the tokens to pay it when the approval arrived.`,
  },
  rate_limited: {
    code: RejectReason.RateLimited,
    reason: (chainId: number) => `The vault on chain ${chainId} had paused payouts of the asset or reached its outflow limit for the period.`,
  },
  vault_paused: {
    code: RejectReason.RateLimited,
    reason: (chainId: number) => `The vault on chain ${chainId} was paused by its guardian when the approval arrived.`,
  },
} as const

async function applyAnswerUpdated(ctx: Context, event: ChainEventRow) {
  const { tx, config, logger } = ctx
  const a = parseEventArgs('AnswerUpdated', event.args)
  const [asset] = assetsOfFeed(config, event.chainId, event.address)
  if (!asset) return
  await tx
    .insert(prices)
    .values({ chainId: event.chainId, feed: asset.feed, symbol: asset.symbol, answer: a.current, roundId: a.roundId, updatedAt: a.updatedAt, blockNumber: event.blockNumber })
    .onConflictDoUpdate({
      target: [prices.chainId, prices.feed],
      set: { symbol: asset.symbol, answer: a.current, roundId: a.roundId, updatedAt: a.updatedAt, blockNumber: event.blockNumber },
      setWhere: sql`${prices.updatedAt} <= ${a.updatedAt.toString()}::bigint`,
    })
  logger.debug({ chain_id: event.chainId, symbol: asset.symbol, answer: a.current.toString(), round_id: a.roundId.toString() }, 'Updated price')
  // one message for every account valued at this price, rather than one per account
  await notifyPricesChanged(tx, event.chainId, asset.feed)
  const stop = healthRecomputeSeconds.startTimer()
  const accounts = new Set([...(await accountsWithPositions(tx)), ...(await lockedAccounts(tx))])
  for (const account of accounts) await reviewAccount(ctx, account)
  stop()
}

/**
 * Cancels the ApproveWithdrawals of request `requestId` on chain `chainId` not yet executed, once its vault closed the
 * request without paying it (`WithdrawalRejected`: a lock's or a void's RejectWithdrawal overtook the approval;
 * `WithdrawalCancelled`: the account took the escrow back after the timeout). Such an approval can never pay, and
 * the co-signers refuse it (`request_closed`): left in the outbox it would be retried until dead-lettered, an
 * operator's alert for a request that was answered.
 */
async function cancelApprovals(ctx: Context, chainId: number, requestId: bigint, closedBy: { event: string; tx: string }): Promise<void> {
  const cancelled = await cancelCommands(
    ctx.tx,
    { cause: `withdrawal:${chainId}:${requestId}`, kind: 'ApproveWithdrawal' },
    { reason: 'request_closed', event: closedBy.event, tx: closedBy.tx, chain_id: chainId },
    ctx.now(),
  )
  if (cancelled.length > 0)
    ctx.logger.info({ chain_id: chainId, request_id: requestId.toString(), commands: cancelled, closed_by: closedBy.event }, 'Cancelled approvals of a closed request')
}
