export { accountsWithPositions, applySeized, applySeizeIgnored, type LiquidationRow, lockedAccounts, reviewAccount, startLiquidation } from './liquidation.js'
export { lockInsuranceFund } from './insuranceFund.js'
