export { type AccountView, getAccountView } from './getAccountView.js'
