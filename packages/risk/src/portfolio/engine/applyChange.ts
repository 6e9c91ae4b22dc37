import type { PortfolioAccount, PortfolioCollateral, PortfolioPosition } from '../types.js'

/** A hypothetical change to an account. */
export type AccountChange = {
  /** positions to add; a negative size reduces or closes a long (positions in one instrument are netted) */
  positions?: readonly PortfolioPosition[]
  /** collateral deltas (base units, signed) added to the item with the same chain and asset, or appended */
  collateral?: readonly PortfolioCollateral[]
  /** positions to remove, by index in `account.positions` */
  removePositions?: readonly number[]
}

/** The account after `change` (a new object; the input is not modified). */
export function applyChange(account: PortfolioAccount, change: AccountChange): PortfolioAccount {
  const removed = new Set(change.removePositions ?? [])
  const positions = [...account.positions.filter((_, i) => !removed.has(i)), ...(change.positions ?? [])]
  const collateral = account.collateral.map((c) => ({ ...c }))
  for (const delta of change.collateral ?? []) {
    const same = collateral.find((c) => c.chainId === delta.chainId && c.asset.toLowerCase() === delta.asset.toLowerCase())
    if (same) same.amount += delta.amount
    else collateral.push({ ...delta })
  }
  return { ...account, positions, collateral }
}
