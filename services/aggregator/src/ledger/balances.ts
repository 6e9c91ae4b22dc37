import { and, collateralBalances, type DbOrTx, eq, notifyAccountChanged, sql } from '@unimargin/db'

export type BalanceRow = typeof collateralBalances.$inferSelect

/**
 * Adds `delta` (base units, may be negative) to the free balance of (account, chain, asset); returns the new amount.
 * Queues the account's change notification (an account credited without being locked: a seizure's receiver).
 */
export async function adjustBalance(
  tx: DbOrTx,
  key: { account: string; chainId: number; asset: string },
  delta: bigint,
  now: Date,
): Promise<bigint> {
  const [row] = await tx
    .insert(collateralBalances)
    .values({ ...key, amount: delta, updatedAt: now })
    .onConflictDoUpdate({
      target: [collateralBalances.account, collateralBalances.chainId, collateralBalances.asset],
      set: { amount: sql`${collateralBalances.amount} + ${delta.toString()}::numeric`, updatedAt: now },
    })
    .returning({ amount: collateralBalances.amount })
  await notifyAccountChanged(tx, key.account)
  return row?.amount ?? delta
}

/** Every free balance row of the account (zero rows included). */
export async function readBalances(tx: DbOrTx, account: string): Promise<BalanceRow[]> {
  return tx.select().from(collateralBalances).where(eq(collateralBalances.account, account))
}

export async function readBalance(tx: DbOrTx, key: { account: string; chainId: number; asset: string }): Promise<bigint> {
  const [row] = await tx
    .select({ amount: collateralBalances.amount })
    .from(collateralBalances)
    .where(
      and(eq(collateralBalances.account, key.account), eq(collateralBalances.chainId, key.chainId), eq(collateralBalances.asset, key.asset)),
    )
  return row?.amount ?? 0n
}
