import { UnimarginError } from '@unimargin/errors'
import { BaseError } from 'viem'

/** The step cannot run yet (e.g. the hub block is not final); try again shortly without counting an attempt. */
export class NotYetError extends UnimarginError {
  override name = 'NotYetError'
  /** the step runs once what it waits for has happened */
  override readonly retryable = true
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message)
  }
}

/** The command can never be delivered (expired, or refused by the vault for a reason a retry cannot change). */
export class PermanentDeliveryError extends UnimarginError {
  override name = 'PermanentDeliveryError'
}

/**
 * A step failed for a reason a retry may fix: a transaction that reverted, was dropped or emitted nothing for the
 * command, an RPC or database error. An error from elsewhere (viem, the driver) is kept as `cause`, its short
 * message as this one's.
 */
export class StepFailedError extends UnimarginError {
  override name = 'StepFailedError'
  override readonly retryable = true
}

/**
 * `error` as a project error: itself when it is one, else a {@link StepFailedError} carrying it as `cause`, with viem's
 * `shortMessage` (or the error's message) as its message.
 */
export function asStepError(error: unknown): UnimarginError {
  if (error instanceof UnimarginError) return error
  const message = error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error)
  return new StepFailedError(message, { cause: error })
}

/** The dead-letter reason for a vault refusal with error `name` (an expiry says so in words). */
export function refusal(name: string): string {
  return name === 'CommandExpired' ? `expired: the vault refused the command (${name})` : `vault refused the command: ${name}`
}
