import type { TransportName } from '@unimargin/chains'
import type { CommandRow } from './outbox.js'

/**
 * One way of carrying commands from MarginHub to a vault. `advance` moves a command by one step of
 * pending → published → attested → delivered → executed, recording each transition.
 * @throws {NotYetError} when the step cannot run yet (no attempt is counted).
 * @throws {PermanentDeliveryError} when the command can never be delivered (it is dead-lettered).
 * @throws Error for anything a retry may fix (the command fails and is retried with backoff).
 */
export interface Transport {
  readonly name: TransportName
  advance(command: CommandRow): Promise<void>
}
