export { getAccountView } from './getAccountView.js'
export type { AccountView } from '@unimargin/client'
