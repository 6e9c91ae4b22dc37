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
   * @returns per command, in order: undefined when its step succeeded; a `NotYetError` when it cannot run
   * yet (no attempt is counted); a `PermanentDeliveryError` when it can never be delivered (dead-lettered);
   * any other error when a retry may fix it (retried with backoff).
   */
  advance(commands: CommandRow[]): Promise<StepResult[]>
}
