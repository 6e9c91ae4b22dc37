import { UnimarginError } from '@unimargin/errors'

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

/** The dead-letter reason for a vault refusal with error `name` (an expiry says so in words). */
export function refusal(name: string): string {
  return name === 'CommandExpired' ? `expired: the vault refused the command (${name})` : `vault refused the command: ${name}`
}
