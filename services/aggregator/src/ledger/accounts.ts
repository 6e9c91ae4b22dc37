import { accounts, type DbOrTx, desc, eq, notifyAccountChanged } from '@unimargin/db'

export type AccountRow = typeof accounts.$inferSelect

/**
 * Returns the account row, creating it (unlocked, epoch 0, no P&L) when absent, locked `FOR UPDATE` so decisions
 * about one account are serialised across aggregator nodes. Every change to an account locks it first, so this also
 * queues the account's change notification ({@link notifyAccountChanged}), delivered when the transaction commits.
 */
export async function lockAccount(tx: DbOrTx, address: string): Promise<AccountRow> {
  await tx.insert(accounts).values({ address }).onConflictDoNothing()
  const [row] = await tx.select().from(accounts).where(eq(accounts.address, address)).for('update')
  if (!row) throw new Error(`Account ${address} vanished after insert.`)
  await notifyAccountChanged(tx, address)
  return row
}

/** The account row without locking, or a default unlocked row for an address never seen. */
export async function readAccount(tx: DbOrTx, address: string): Promise<AccountRow> {
  const [row] = await tx.select().from(accounts).where(eq(accounts.address, address))
  return (
    row ?? {
      address,
      lockState: 'unlocked',
      lockEpoch: 0,
      lockChains: [],
      lockedChains: [],
      settledPnl: 0n,
      positionSequence: 0n,
      updatedAt: new Date(0),
    }
  )
}

/** Writes the given fields of an account and bumps `updated_at`. */
export async function updateAccount(tx: DbOrTx, address: string, set: Partial<Omit<AccountRow, 'address'>>, now: Date) {
  await tx
    .update(accounts)
    .set({ ...set, updatedAt: now })
    .where(eq(accounts.address, address))
}

/** The addresses of up to `limit` accounts, the most recently updated first (an account's row changes with its lock, P&L and positions). */
export async function recentlyUpdatedAccounts(tx: DbOrTx, limit: number): Promise<string[]> {
  const rows = await tx.select({ address: accounts.address }).from(accounts).orderBy(desc(accounts.updatedAt)).limit(limit)
  return rows.map((r) => r.address)
}
