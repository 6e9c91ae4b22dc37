import { type DbOrTx, eq, insuranceFund } from '@unimargin/db'
import type { Config } from '@unimargin/chains'

/** The insurance fund balance (usd8), locked for update; seeded from `config.liquidation.insuranceFundUsd8`. */
export async function lockInsuranceFund(tx: DbOrTx, config: Config): Promise<bigint> {
  await tx.insert(insuranceFund).values({ id: 1, balance: config.liquidation.insuranceFundUsd8 }).onConflictDoNothing()
  const [row] = await tx.select().from(insuranceFund).where(eq(insuranceFund.id, 1)).for('update')
  return row?.balance ?? 0n
}

export async function setInsuranceFund(tx: DbOrTx, balance: bigint, now: Date) {
  await tx.update(insuranceFund).set({ balance, updatedAt: now }).where(eq(insuranceFund.id, 1))
}
