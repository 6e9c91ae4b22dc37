import { type DbOrTx, eq, valuationBlocks } from '@unimargin/db'

/** Timestamp (unix s) of the newest processed block of `chainId`, or undefined when none was processed. */
export async function loadValuationTimestamp(tx: DbOrTx, chainId: number): Promise<bigint | undefined> {
  const [row] = await tx.select({ ts: valuationBlocks.blockTimestamp }).from(valuationBlocks).where(eq(valuationBlocks.chainId, chainId))
  return row?.ts
}
