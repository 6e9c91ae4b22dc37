import { and, commands, type DbOrTx, eq, inArray, isNull, withdrawals } from '@unimargin/db'
import type { Address } from 'viem'
import { commandIdOf } from '../outbox/index.js'
import { type BalanceRow, readBalances } from './balances.js'

/** An open withdrawal escrow, base units of `asset` on `chainId`. */
export type EscrowRow = { chainId: number; requestId: bigint; asset: string; amount: bigint; state: string }

/**
 * The escrows of `account` that the vaults still hold but that can no longer be paid out: the hub refused the
 * request (state `rejected`, or `voided` after the vault declined its approval) and no ApproveWithdrawal for it can
 * still execute (none was written, or it executed without paying). Their tokens return to the account's free
 * balance when the RejectWithdrawal executes or the account cancels, so they are still the account's collateral.
 *
 * A request rejected after it had been approved (the account was locked for liquidation) stays counted as gone
 * while its approval is undelivered: that approval may reach the vault before the Lock and pay.
 * @returns one row per refused open escrow, amounts in token base units.
 */
export async function readRefusedEscrows(tx: DbOrTx, account: string): Promise<EscrowRow[]> {
  const refused = await tx
    .select({ chainId: withdrawals.chainId, requestId: withdrawals.requestId, asset: withdrawals.asset, amount: withdrawals.amount, state: withdrawals.state })
    .from(withdrawals)
    .where(and(eq(withdrawals.account, account), isNull(withdrawals.escrowClosedAt), inArray(withdrawals.state, ['rejected', 'voided'])))
  if (refused.length === 0) return []
  const approvalIds = new Map(refused.map((w) => [approvalIdOf(account, w.chainId, w.requestId), w]))
  const approvals = await tx
    .select({ id: commands.id, state: commands.state, outcome: commands.outcome })
    .from(commands)
    .where(inArray(commands.id, [...approvalIds.keys()]))
  // an approval still in the outbox (or dead-lettered, which an operator may retry) can pay; one the vault
  // executed without paying cannot
  const payable = new Set(approvals.filter((c) => c.state !== 'executed' || c.outcome === 'applied').map((c) => c.id))
  return [...approvalIds].filter(([id]) => !payable.has(id)).map(([, w]) => w)
}

/**
 * The account's collateral per (chain, asset) as the margin sees it: the vaults' free balances (signed, base units)
 * plus the refused escrows of {@link readRefusedEscrows}. Escrows that can still be paid (reserved or approved)
 * count as withdrawn.
 */
export async function readCollateralBalances(tx: DbOrTx, account: string): Promise<BalanceRow[]> {
  const [balances, refused] = await Promise.all([readBalances(tx, account), readRefusedEscrows(tx, account)])
  const out = balances.map((b) => ({ ...b }))
  for (const e of refused) {
    const row = out.find((b) => b.chainId === e.chainId && b.asset.toLowerCase() === e.asset.toLowerCase())
    if (row) row.amount += e.amount
    else out.push({ account, chainId: e.chainId, asset: e.asset, amount: e.amount, updatedAt: new Date(0) })
  }
  return out
}

/** The id an ApproveWithdrawal of request `requestId` on `chainId` has (or would have) in the outbox. */
function approvalIdOf(account: string, chainId: number, requestId: bigint) {
  return commandIdOf({
    body: { kind: 'ApproveWithdrawal', requestId, lockEpoch: 0 },
    account: account as Address,
    destChainId: chainId,
    cause: `withdrawal:${chainId}:${requestId}`,
  })
}
