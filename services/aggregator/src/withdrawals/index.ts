export { decideWithdrawal, type WithdrawalDecision, type WithdrawalRequest } from './decideWithdrawal.js'
