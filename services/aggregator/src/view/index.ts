export { assetDecimals, getAccountView, liquidationView, withdrawalView } from './getAccountView.js'
export type { AccountView } from '@unimargin/client'
