import { and, eq, normalizeHex, withdrawals } from '@unimargin/db'
import { RejectReason } from '@unimargin/protocol'
import type { Address, Hex } from 'viem'
import { assetOn } from '../common/config.js'
import type { Context } from '../common/context.js'
import { formatFixed, formatUsd8 } from '../common/format.js'
import { adjustBalance, lockAccount, vaultLiquidity } from '../ledger/index.js'
import { writeCommand } from '../outbox/index.js'
import { buildMargin, collateralItemOf, valueAccount, withdrawableAmounts } from '../valuation/index.js'
import { routeLatencies, withdrawalBufferFor } from '../routes/index.js'

export type WithdrawalRequest = {
  chainId: number
  requestId: bigint
  account: Address
  asset: Address
  /** base units the vault escrowed */
  amount: bigint
  recipient: Address
  txHash: string
}

export type WithdrawalDecision =
  | { approved: true; commandId: Hex; limit: bigint }
  | { approved: false; commandId: Hex; reasonCode: number; reason: string; limit: bigint | null }

/**
 * Reserves a withdrawal the vault has escrowed (free balance −= amount, row `reserved`) and decides it at once, in
 * the caller's transaction: reject when the account is locked, the asset is not collateral on that chain, or a price
 * the account depends on is missing or stale; otherwise approve iff, with this and every other unexecuted
 * withdrawal gone, `equity ≥ IM + buffer` (see {@link withdrawalBufferFor}). Writes ApproveWithdrawal(requestId, lockEpoch) or
 * RejectWithdrawal(requestId, reason) to the outbox and records state, reason, limit and command id.
 * @returns the decision, or undefined when the request was already recorded (nothing is changed then).
 */
export async function decideWithdrawal(ctx: Context, request: WithdrawalRequest): Promise<WithdrawalDecision | undefined> {
  const { tx, config, logger } = ctx
  const now = ctx.now()
  const { chainId, requestId, account: address, asset, amount } = request
  const account = await lockAccount(tx, address)
  const inserted = await tx
    .insert(withdrawals)
    .values({
      chainId,
      requestId,
      account: address,
      asset,
      amount,
      recipient: request.recipient,
      state: 'reserved',
      requestedTx: normalizeHex(request.txHash, 'withdrawals.requested_tx'),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ requestId: withdrawals.requestId })
  if (inserted.length === 0) {
    logger.warn({ chain_id: chainId, request_id: requestId.toString() }, 'Skipped withdrawal request already recorded')
    return undefined
  }
  await adjustBalance(tx, { account: address, chainId, asset }, -amount, now)

  const cause = `withdrawal:${chainId}:${requestId}`
  const assetConfig = assetOn(config, chainId, asset)
  let decision: WithdrawalDecision
  const reject = async (reasonCode: number, reason: string, limit: bigint | null): Promise<WithdrawalDecision> => {
    const { id } = await writeCommand(ctx, { body: { kind: 'RejectWithdrawal', requestId, reason: reasonCode }, account: address, destChainId: chainId, cause })
    return { approved: false, commandId: id, reasonCode, reason, limit }
  }

  if (account.lockState !== 'unlocked') {
    decision = await reject(RejectReason.AccountLocked, `The account is ${account.lockState} for liquidation (lock epoch ${account.lockEpoch}).`, 0n)
  } else if (!assetConfig) {
    decision = await reject(RejectReason.UnsupportedAsset, `Asset ${asset} is not collateral on chain ${chainId}.`, null)
  } else {
    const valuation = await valueAccount(tx, config, account, ctx.referenceTs)
    const withdrawnQuote = valuation.book.collateralPrice(chainId, assetConfig)
    const problems = [...valuation.priceProblems]
    if (!withdrawnQuote) problems.push({ symbol: assetConfig.symbol, chainId, problem: 'missing', ageSeconds: null })
    else if (withdrawnQuote.stale && !problems.some((p) => p.symbol === assetConfig.symbol && p.chainId === chainId))
      problems.push({ symbol: assetConfig.symbol, chainId, problem: 'stale', ageSeconds: withdrawnQuote.ageSeconds })
    if (problems.length > 0) {
      const p = problems[0]!
      const what = p.problem === 'missing' ? 'has no price yet' : `is ${p.ageSeconds}s old (limit ${config.maxPriceAgeSeconds}s)`
      decision = await reject(
        RejectReason.InsufficientFreeCollateral,
        `The ${p.symbol} price${p.chainId === null ? '' : ` on chain ${p.chainId}`} ${what}, so the account cannot be valued.`,
        null,
      )
    } else {
      const route = (await routeLatencies(tx, config, now)).find((r) => r.chainId === chainId)
      const buffer = withdrawalBufferFor(config, valuation.margin, route)
      const after = valuation.margin
      // the limit is measured before this request: give the escrowed amount back to the balance it came from
      const before = buildMargin(
        valuation.config,
        valuation.book,
        addBack(valuation.balances, { account: address, chainId, asset: assetConfig.address, amount }),
        valuation.positionRows,
        account.settledPnl,
        ctx.referenceTs,
      )
      // the account may hold nothing on this chain: the withdrawal is then covered by collateral elsewhere
      const item =
        before.items.find((i) => i.chainId === chainId && i.asset.toLowerCase() === asset.toLowerCase()) ??
        collateralItemOf(valuation.book, chainId, assetConfig, 0n)
      const [marginLimit = 0n] = withdrawableAmounts(
        valuation.config,
        valuation.book,
        ctx.referenceTs,
        { items: before.items, positions: before.positions, settledPnlUsd8: account.settledPnl },
        before.margin,
        [item],
        new Map([[chainId, buffer]]),
      )
      // this request's escrow is still counted as held and not yet as approved, so `liquidity` includes it
      const liquidity = await vaultLiquidity(tx, chainId, assetConfig.address)
      const limit = marginLimit < liquidity ? marginLimit : liquidity > 0n ? liquidity : 0n
      if (amount > liquidity) {
        decision = await reject(
          RejectReason.InsufficientLiquidity,
          `The vault on chain ${chainId} can pay out at most ${formatFixed(liquidity > 0n ? liquidity : 0n, assetConfig.decimals)} ${assetConfig.symbol} now; ` +
            `${formatFixed(amount, assetConfig.decimals)} was asked.`,
          limit,
        )
      } else if (after.equityUsd8 >= after.imUsd8 + buffer) {
        const { id } = await writeCommand(ctx, {
          body: { kind: 'ApproveWithdrawal', requestId, lockEpoch: account.lockEpoch },
          account: address,
          destChainId: chainId,
          cause,
        })
        decision = { approved: true, commandId: id, limit }
      } else {
        const routeText = route
          ? ` (the ${route.transport} route to chain ${chainId}: p99 ${(route.p99Ms / 1000).toFixed(1)} s, ${route.source}, buffer ${formatUsd8(buffer)} USD)`
          : ''
        const reason =
          `Withdrawing ${formatFixed(amount, assetConfig.decimals)} ${assetConfig.symbol} on chain ${chainId} would leave equity ` +
          `${formatUsd8(after.equityUsd8)} USD below initial margin ${formatUsd8(after.imUsd8)} USD plus buffer ${formatUsd8(buffer)} USD${routeText}; ` +
          `at most ${formatFixed(limit, assetConfig.decimals)} ${assetConfig.symbol} can be withdrawn there.`
        decision = await reject(RejectReason.InsufficientFreeCollateral, reason, limit)
      }
    }
  }

  await tx
    .update(withdrawals)
    .set({
      state: decision.approved ? 'approved' : 'rejected',
      reason: decision.approved ? null : decision.reason,
      limit: decision.limit,
      commandId: decision.commandId,
      updatedAt: now,
    })
    .where(and(eq(withdrawals.chainId, chainId), eq(withdrawals.requestId, requestId)))
  logger.info(
    {
      chain_id: chainId,
      request_id: requestId.toString(),
      account: address,
      amount: amount.toString(),
      approved: decision.approved,
      limit: decision.limit?.toString() ?? null,
      command_id: decision.commandId,
    },
    decision.approved ? 'Approved withdrawal' : 'Rejected withdrawal',
  )
  return decision
}

function addBack<T extends { account: string; chainId: number; asset: string; amount: bigint }>(
  balances: T[],
  add: { account: string; chainId: number; asset: string; amount: bigint },
): T[] {
  let found = false
  const out = balances.map((b) => {
    if (b.chainId !== add.chainId || b.asset.toLowerCase() !== add.asset.toLowerCase()) return b
    found = true
    return { ...b, amount: b.amount + add.amount }
  })
  if (!found) out.push({ ...(add as unknown as T), updatedAt: new Date(0) })
  return out
}
