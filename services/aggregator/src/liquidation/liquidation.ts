import { accounts, and, cancelCommands, type DbOrTx, eq, isNull, liquidations, positions, type Seizure, withdrawals } from '@unimargin/db'
import { RejectReason } from '@unimargin/protocol'
import { planLiquidation } from '@unimargin/risk'
import type { Address } from 'viem'
import type { Context } from '../common/context.js'
import { type AccountRow, adjustBalance, lockAccount, updateAccount } from '../ledger/index.js'
import { writeCommand } from '../outbox/index.js'
import { healthBandOf, recordAccountHealth } from '../metrics/healthMetrics.js'
import { liquidationBufferFor, routeLatencies } from '../routes/index.js'
import { type AccountValuation, plannerMarginOf, valueAccount } from '../valuation/index.js'
import { lockInsuranceFund, setInsuranceFund } from './insuranceFund.js'
import { findCoSignerRefusedLock } from './refusedLock.js'

export type LiquidationRow = typeof liquidations.$inferSelect
type WithdrawalRow = typeof withdrawals.$inferSelect

const causeOf = (account: string, epoch: number) => `liquidation:${account}:${epoch}`

/**
 * Moves an account's liquidation state machine forward after a price or state change, in the caller's
 * transaction: an unlocked account with positions whose equity (counting only withdrawals that can still be paid)
 * is below maintenance margin plus the liquidation buffer, and whose collateral the hub has seen on some vault, is
 * locked on every vault; a `locking` account whose Lock the co-signers refused as healthy, and that the hub now finds
 * healthy too, is unlocked again ({@link cancelRefusedLock}); a locked account whose escrows have all come back is
 * liquidated.
 */
export async function reviewAccount(ctx: Context, address: Address): Promise<void> {
  const account = await lockAccount(ctx.tx, address)
  if (account.lockState === 'unlocked') await lockIfUnhealthy(ctx, account)
  else if (account.lockState === 'locking') await cancelRefusedLock(ctx, account)
  else if (account.lockState === 'locked') await startLiquidation(ctx, account)
}

async function lockIfUnhealthy(ctx: Context, account: AccountRow): Promise<void> {
  const check = await checkLiquidationTrigger(ctx, account)
  if (check.verdict === 'below') await lockForLiquidation(ctx, account, check.valuation, check.open)
}

/**
 * What the hub's own view says of `account` against the liquidation trigger (maintenance margin plus the latency
 * buffer of the slowest route a Lock must travel to stop a payout: the chains holding the account's collateral or an
 * escrow that may still be paid):
 * - `healthy`: no positions, or equity (counting only withdrawals that can still be paid) at or above the trigger;
 * - `deferred`: below it, but a price is missing or no collateral of the account has been seen on any vault (a
 *   report may precede the deposit's confirmations: there is nothing to lock or seize yet);
 * - `below`: below it, with the valuation and the escrows still open.
 */
async function checkLiquidationTrigger(
  ctx: Context,
  account: AccountRow,
): Promise<{ verdict: 'healthy' | 'deferred' } | { verdict: 'below'; valuation: AccountValuation; open: WithdrawalRow[] }> {
  const valuation = await valueAccount(ctx.tx, ctx.config, account, ctx.referenceTs)
  recordAccountHealth(account.address, valuation.positions.length === 0 ? undefined : healthBandOf(valuation.margin))
  if (valuation.positions.length === 0) return { verdict: 'healthy' }
  const { margin } = valuation
  // without the portfolio engine there is no latency buffer: a healthy account needs no more reads
  if (!margin.risk && margin.equityUsd8 >= margin.mmUsd8) return { verdict: 'healthy' }
  const open = await openEscrows(ctx.tx, account.address)
  const payable = open.filter((w) => w.state === 'reserved' || w.state === 'approved')
  const collateralChains = [...new Set([...valuation.items.filter((i) => i.amount > 0n).map((i) => i.chainId), ...payable.map((w) => w.chainId)])]
  const buffer = margin.risk ? liquidationBufferFor(ctx.config, margin, await routeLatencies(ctx.tx, ctx.config, ctx.now()), collateralChains) : 0n
  if (margin.equityUsd8 >= margin.mmUsd8 + buffer) return { verdict: 'healthy' }
  const missing = valuation.priceProblems.filter((p) => p.problem === 'missing')
  if (missing.length > 0) {
    ctx.logger.warn({ account: account.address, missing: missing.map((p) => p.symbol) }, 'Deferred liquidation check without prices')
    return { verdict: 'deferred' }
  }
  if (collateralChains.length === 0) {
    ctx.logger.warn(
      { account: account.address, equity_usd8: margin.equityUsd8.toString(), mm_usd8: margin.mmUsd8.toString() },
      'Deferred liquidation of an account with no collateral seen on any vault',
    )
    return { verdict: 'deferred' }
  }
  return { verdict: 'below', valuation, open }
}

/**
 * Cancels the lock of a `locking` account that the co-signers refused as healthy when the hub's own view now agrees:
 * the hub decided the Lock on what it had seen, and the co-signers, who had seen more (a deposit on another chain
 * not yet ingested here, a price moved back), refused it ({@link findCoSignerRefusedLock}). Left alone, the Lock
 * would be dead-lettered and the account would stay `locking` for good, its withdrawals refused.
 * The account moves to `unlocking` at the same epoch, waiting for an `AccountUnlocked` from every vault of the lock
 * (`lockedChains` := `lockChains`), and an Unlock of that epoch goes to each: a vault that applied the Lock unlocks,
 * and one that never did adopts the epoch unlocked, so a late Lock of it is stale (`MarginVault._unlock`). An account
 * still below the trigger keeps its lock: the Lock is retried until the co-signers see what the hub sees.
 * Withdrawals rejected by the lock stay rejected (their escrows came back; the user requests again).
 */
async function cancelRefusedLock(ctx: Context, account: AccountRow): Promise<void> {
  const address = account.address as Address
  const refused = await findCoSignerRefusedLock(ctx.tx, causeOf(address, account.lockEpoch), ctx.transitionsSeen)
  if (!refused) return
  if ((await checkLiquidationTrigger(ctx, account)).verdict !== 'healthy') return
  const chains = account.lockChains
  const cause = causeOf(address, account.lockEpoch)
  await updateAccount(ctx.tx, address, { lockState: 'unlocking', lockedChains: chains }, ctx.now())
  for (const chainId of chains) await writeCommand(ctx, { body: { kind: 'Unlock', lockEpoch: account.lockEpoch }, account: address, destChainId: chainId, cause })
  // the Locks not yet executed are no longer wanted: the relayer stops carrying them (one already attested and
  // delivered after its Unlock is stale on its vault)
  await cancelCommands(ctx.tx, { cause, kind: 'Lock' }, { reason: 'lock_cancelled', refused_command: refused.commandId }, ctx.now())
  ctx.logger.warn(
    { account: address, lock_epoch: account.lockEpoch, chains, refused_command: refused.commandId, refused_on_chain: refused.destChainId },
    'Cancelled a lock the co-signers refused as healthy',
  )
}

/**
 * Locks the account at the next lock epoch on every configured vault, so the vaults' epochs move together and stay
 * equal to the hub's: an `ApproveWithdrawal` carries the hub's epoch and a vault pays it only at that exact epoch,
 * so a vault left at an older epoch would void every later approval there. Rejects every withdrawal still
 * reserved or approved so its escrow comes back to be seized.
 */
async function lockForLiquidation(ctx: Context, account: AccountRow, valuation: AccountValuation, open: WithdrawalRow[]): Promise<void> {
  const { tx, config } = ctx
  const now = ctx.now()
  const address = account.address as Address
  const epoch = account.lockEpoch + 1
  const chains = config.chains.map((c) => c.chainId).sort((a, b) => a - b)
  await updateAccount(tx, address, { lockState: 'locking', lockEpoch: epoch, lockChains: chains, lockedChains: [] }, now)
  for (const chainId of chains)
    await writeCommand(ctx, { body: { kind: 'Lock', lockEpoch: epoch }, account: address, destChainId: chainId, cause: causeOf(address, epoch) })
  for (const w of open) {
    if (w.state !== 'reserved' && w.state !== 'approved') continue
    const { id } = await writeCommand(ctx, {
      body: { kind: 'RejectWithdrawal', requestId: w.requestId, reason: RejectReason.AccountLocked },
      account: address,
      destChainId: w.chainId,
      cause: `withdrawal:${w.chainId}:${w.requestId}`,
    })
    await tx
      .update(withdrawals)
      .set({ state: 'rejected', reason: `The account was locked for liquidation (lock epoch ${epoch}).`, commandId: id, updatedAt: now })
      .where(and(eq(withdrawals.chainId, w.chainId), eq(withdrawals.requestId, w.requestId)))
  }
  ctx.logger.warn(
    {
      account: address,
      lock_epoch: epoch,
      chains,
      equity_usd8: valuation.margin.equityUsd8.toString(),
      mm_usd8: valuation.margin.mmUsd8.toString(),
      health: valuation.margin.health,
    },
    'Locked account below maintenance margin',
  )
}

/** Withdrawals whose escrow the vault still holds (no `WithdrawalExecuted`/`WithdrawalRejected` processed yet). */
async function openEscrows(tx: DbOrTx, account: string) {
  return tx
    .select()
    .from(withdrawals)
    .where(and(eq(withdrawals.account, account), isNull(withdrawals.escrowClosedAt)))
}

/**
 * Liquidates a locked account once every escrow has come back to its free balance: closes all positions at mark
 * (realised P&L into settled P&L), charges the penalty, plans Seize commands covering the debt and records the
 * liquidation. Does nothing when not locked, already liquidated at this epoch, waiting for escrows, or a mark price
 * is missing.
 */
export async function startLiquidation(ctx: Context, account: AccountRow): Promise<void> {
  const { tx, config, logger } = ctx
  const address = account.address as Address
  if (account.lockState !== 'locked') return
  const [existing] = await tx
    .select({ id: liquidations.id })
    .from(liquidations)
    .where(and(eq(liquidations.account, address), eq(liquidations.lockEpoch, account.lockEpoch)))
  if (existing) return
  const open = await openEscrows(tx, address)
  if (open.length > 0) {
    logger.info({ account: address, lock_epoch: account.lockEpoch, open_escrows: open.length }, 'Deferred liquidation until escrows return')
    return
  }
  const valuation = await valueAccount(tx, config, account, ctx.referenceTs)
  const missingMarks = valuation.positions.filter((p) => !p.quote)
  if (missingMarks.length > 0) {
    logger.warn({ account: address, markets: missingMarks.map((p) => p.market) }, 'Deferred liquidation without mark prices')
    return
  }
  const target = config.margin.liquidationTargetHealthBps
  const plan = planLiquidation({
    collateral: valuation.items,
    positions: valuation.positions,
    settledPnlUsd8: account.settledPnl,
    penaltyBps: config.liquidation.penaltyBps,
    ...(target !== undefined ? { targetHealthBps: target } : {}),
    margin: plannerMarginOf(valuation.config, valuation.book, ctx.referenceTs),
  })
  const now = ctx.now()
  // a partial plan leaves positions open at their reduced sizes; a full one leaves none
  await tx.delete(positions).where(eq(positions.account, address))
  const remaining = plan.remainingPositions.filter((p) => p.size !== 0n)
  if (remaining.length > 0)
    await tx.insert(positions).values(remaining.map((p) => ({ account: address, market: p.market, size: p.size, entryPrice: p.entryPrice, updatedAt: now })))
  await updateAccount(tx, address, { settledPnl: plan.settledPnlUsd8 }, now)
  const seizures: Seizure[] = []
  for (const s of plan.seizures) {
    const { id } = await writeCommand(ctx, {
      body: { kind: 'Seize', lockEpoch: account.lockEpoch, asset: s.asset as Address, amount: s.amount, receiver: config.liquidation.receiver },
      account: address,
      destChainId: s.chainId,
      cause: causeOf(address, account.lockEpoch),
    })
    seizures.push({ chainId: s.chainId, asset: s.asset, amount: s.amount.toString(), valueUsd8: s.valueUsd8.toString(), commandId: id })
  }
  const [row] = await tx
    .insert(liquidations)
    .values({
      account: address,
      lockEpoch: account.lockEpoch,
      state: 'seizing',
      debt: plan.debtUsd8,
      penalty: plan.penaltyUsd8,
      seizures,
      seizedValue: 0n,
      closeFractionBps: plan.closeFractionBps,
      closedPositions: plan.closedPositions.map((p) => ({
        market: p.market,
        size: p.size.toString(),
        remainingSize: p.remainingSize.toString(),
        entryPrice: p.entryPrice.toString(),
        markPrice: p.markPrice.toString(),
        notionalUsd8: p.notionalUsd8.toString(),
        realizedPnlUsd8: p.realizedPnlUsd8.toString(),
      })),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  logger.warn(
    {
      account: address,
      lock_epoch: account.lockEpoch,
      realized_pnl_usd8: plan.realizedPnlUsd8.toString(),
      penalty_usd8: plan.penaltyUsd8.toString(),
      debt_usd8: plan.debtUsd8.toString(),
      seizures: seizures.length,
      uncovered_usd8: plan.uncoveredUsd8.toString(),
    },
    'Started liquidation',
  )
  if (row) await settleIfComplete(ctx, { ...account, settledPnl: plan.settledPnlUsd8 }, row)
}

/**
 * Applies a `Seized` event: moves the balance from the account to the receiver in the ledger and records the
 * seizure on the account's liquidation at that epoch, settling it when it was the last one.
 */
export async function applySeized(
  ctx: Context,
  event: { chainId: number; account: Address; asset: Address; amount: bigint; receiver: Address; epoch: number },
): Promise<void> {
  const { tx } = ctx
  const now = ctx.now()
  const account = await lockAccount(tx, event.account)
  await adjustBalance(tx, { account: event.account, chainId: event.chainId, asset: event.asset }, -event.amount, now)
  await adjustBalance(tx, { account: event.receiver, chainId: event.chainId, asset: event.asset }, event.amount, now)
  await recordSeizure(ctx, account, event.epoch, (s) => s.chainId === event.chainId && s.asset.toLowerCase() === event.asset.toLowerCase(), event.amount)
}

/** Records that a Seize command was ignored by the vault (stale epoch): that seizure is done with nothing moved. */
export async function applySeizeIgnored(ctx: Context, accountAddress: Address, commandId: string): Promise<void> {
  const account = await lockAccount(ctx.tx, accountAddress)
  const [row] = await ctx.tx
    .select()
    .from(liquidations)
    .where(and(eq(liquidations.account, accountAddress), eq(liquidations.state, 'seizing')))
  if (!row) return
  await recordSeizure(ctx, account, row.lockEpoch, (s) => s.commandId === commandId, 0n)
}

async function recordSeizure(ctx: Context, account: AccountRow, epoch: number, match: (s: Seizure) => boolean, amount: bigint) {
  const [row] = await ctx.tx
    .select()
    .from(liquidations)
    .where(and(eq(liquidations.account, account.address), eq(liquidations.lockEpoch, epoch), eq(liquidations.state, 'seizing')))
    .for('update')
  if (!row) {
    ctx.logger.warn({ account: account.address, lock_epoch: epoch }, 'Recorded seizure outside a liquidation')
    return
  }
  const index = row.seizures.findIndex((s) => s.seizedAmount === undefined && match(s))
  if (index < 0) return
  const seizures = row.seizures.map((s, i) => (i === index ? { ...s, seizedAmount: amount.toString() } : s))
  await ctx.tx.update(liquidations).set({ seizures, updatedAt: ctx.now() }).where(eq(liquidations.id, row.id))
  await settleIfComplete(ctx, account, { ...row, seizures })
}

/**
 * Settles a liquidation whose seizures are all done: settled P&L += value seized (at the planned prices, pro rata
 * to what the vault actually moved); any remaining negative settled P&L is the shortfall, covered by the insurance
 * fund first and socialised for the rest; settled P&L becomes 0 (a positive remainder stays with the account);
 * then Unlock goes to every locked chain.
 */
async function settleIfComplete(ctx: Context, account: AccountRow, row: LiquidationRow): Promise<void> {
  if (row.seizures.some((s) => s.seizedAmount === undefined)) return
  const { tx, config } = ctx
  const now = ctx.now()
  const address = account.address as Address
  const seizedValue = row.seizures.reduce((sum, s) => {
    const planned = BigInt(s.amount)
    return sum + (planned === 0n ? 0n : (BigInt(s.valueUsd8) * BigInt(s.seizedAmount ?? '0')) / planned)
  }, 0n)
  let settled = account.settledPnl + seizedValue
  let shortfall = 0n
  let covered = 0n
  if (settled < 0n) {
    shortfall = -settled
    const fund = await lockInsuranceFund(tx, config)
    covered = fund < shortfall ? (fund > 0n ? fund : 0n) : shortfall
    await setInsuranceFund(tx, fund - covered, now)
    settled = 0n
  }
  const socialized = shortfall - covered
  await tx
    .update(liquidations)
    .set({ state: 'settled', seizedValue, shortfall, insuranceCovered: covered, socializedLoss: socialized, updatedAt: now })
    .where(eq(liquidations.id, row.id))
  const chains = account.lockChains
  await updateAccount(
    tx,
    address,
    chains.length > 0 ? { settledPnl: settled, lockState: 'unlocking' } : { settledPnl: settled, lockState: 'unlocked', lockChains: [], lockedChains: [] },
    now,
  )
  for (const chainId of chains)
    await writeCommand(ctx, { body: { kind: 'Unlock', lockEpoch: account.lockEpoch }, account: address, destChainId: chainId, cause: causeOf(address, account.lockEpoch) })
  ctx.logger.warn(
    {
      account: address,
      lock_epoch: account.lockEpoch,
      seized_value_usd8: seizedValue.toString(),
      shortfall_usd8: shortfall.toString(),
      insurance_covered_usd8: covered.toString(),
      socialized_loss_usd8: socialized.toString(),
    },
    'Settled liquidation',
  )
}

/** Accounts that hold positions (re-checked after every price update). */
export async function accountsWithPositions(tx: DbOrTx): Promise<Address[]> {
  const rows = await tx.selectDistinct({ account: positions.account }).from(positions)
  return rows.map((r) => r.account as Address)
}

/** Accounts locked on every chain but not yet liquidated (moved forward after every price update). */
export async function lockedAccounts(tx: DbOrTx): Promise<Address[]> {
  const rows = await tx.select({ address: accounts.address }).from(accounts).where(eq(accounts.lockState, 'locked'))
  return rows.map((r) => r.address as Address)
}
