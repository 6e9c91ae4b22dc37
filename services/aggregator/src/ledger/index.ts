export { type AccountRow, lockAccount, readAccount, recentlyUpdatedAccounts, updateAccount } from './accounts.js'
export { adjustBalance, type BalanceRow, readBalance, readBalances } from './balances.js'
export { vaultLiquidity } from './liquidity.js'
export { type EscrowRow, readCollateralBalances, readRefusedEscrows } from './escrows.js'
