import type { TransportName } from '@unimargin/chains'
import type { StepResult } from './batch.js'
import type { CommandRow } from './outbox.js'

/**
 * One way of carrying commands from MarginHub to a vault, in batches. `advance` moves each command of a batch by
 * one step of pending → published → attested → delivered → executed (a step may cover several states when one
 * transaction does), recording the transitions.
 */
export interface Transport {
  readonly name: TransportName
  /** Commands with equal keys share a step (one transaction where the step sends one): e.g. `deliver:<chain id>`. */
  batchKey(command: CommandRow): string
  /**
   * Advances commands that share a batch key by one step each.
   * @returns one tagged {@link StepResult} per command, carrying it: `done` when its step succeeded; `notYet(ms)`
   * when it cannot run yet (no attempt is counted); `failed(error, retryable)`, where a failure that is not
   * retryable (a `PermanentDeliveryError`: it can never be delivered) is dead-lettered and any other is retried with
   * backoff. Never throws: a failure of the whole step is every command's `failed` result.
   */
  advance(commands: CommandRow[]): Promise<StepResult[]>
}
