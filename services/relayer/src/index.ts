export { backoffDelayMs } from './backoff.js'
export { NotYetError, PermanentDeliveryError } from './errors.js'
export { claimDueCommands, type CommandRow, reschedule, transition } from './outbox.js'
export { createRelayer, type CreateRelayerParameters, type Relayer } from './relayer.js'
