/** Base of the aggregator's errors: a short message a person can act on, plus the values involved. */
export class AggregatorError extends Error {
  override name = 'AggregatorError'
  readonly details: Record<string, unknown>
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options)
    this.details = details
  }
}

/** A chain event whose arguments do not have the shape its name implies. The event is skipped, not retried. */
export class InvalidEventError extends AggregatorError {
  override name = 'InvalidEventError'
}

/** A position report that is well-formed but cannot be applied (bad signer, replay, unknown market). */
export class PositionReportError extends AggregatorError {
  override name = 'PositionReportError'
  constructor(
    readonly code: 'invalid_signature' | 'stale_sequence' | 'unknown_market',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details)
  }
}
