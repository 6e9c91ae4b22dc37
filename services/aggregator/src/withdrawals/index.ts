export { decideWithdrawal, type WithdrawalDecision, type WithdrawalRequest } from './decideWithdrawal.js'
export { withdrawalBufferFor } from './buffer.js'
