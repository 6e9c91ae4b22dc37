export { assetDecimals, getAccountView, liquidationView, withdrawalView } from './getAccountView.js'
export type { AccountView } from '@unimargin/client'
export { liquidityKey, loadViewMarket, type ViewMarket } from './viewMarket.js'
