import { and, collateralBalances, type DbOrTx, eq, isNull, sql, withdrawals } from '@unimargin/db'

/**
 * What the vault on `chainId` can still pay out of `asset`, in token base units: the tokens it holds (the sum of
 * every account's signed balance plus every escrow not yet closed) minus approvals not yet paid. A withdrawal
 * may exceed the requester's own balance on that chain (it is covered by collateral elsewhere), so it is this
 * pooled amount, not the requester's balance, that bounds a payout.
 */
export async function vaultLiquidity(tx: DbOrTx, chainId: number, asset: string): Promise<bigint> {
  const [balances] = await tx
    .select({ total: sql<string>`coalesce(sum(${collateralBalances.amount}), 0)` })
    .from(collateralBalances)
    .where(and(eq(collateralBalances.chainId, chainId), eq(collateralBalances.asset, asset)))
  const [escrows] = await tx
    .select({
      open: sql<string>`coalesce(sum(${withdrawals.amount}), 0)`,
      approved: sql<string>`coalesce(sum(case when ${withdrawals.state} = 'approved' then ${withdrawals.amount} else 0 end), 0)`,
    })
    .from(withdrawals)
    .where(and(eq(withdrawals.chainId, chainId), eq(withdrawals.asset, asset), isNull(withdrawals.escrowClosedAt)))
  return BigInt(balances?.total ?? 0) + BigInt(escrows?.open ?? 0) - BigInt(escrows?.approved ?? 0)
}
