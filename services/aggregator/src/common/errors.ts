import { UnimarginError } from '@unimargin/errors'

/** Base of the aggregator's errors: a short message a person can act on, plus the values involved. */
export class AggregatorError extends UnimarginError {
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

/**
 * Why a position report cannot be applied:
 * - `invalid_signature`: not signed by the configured reporter for this hub's domain;
 * - `stale_sequence`: the sequence is not above the account's last accepted one (a replay);
 * - `sequence_out_of_range`: the sequence is above 2^63−1, the largest the hub stores;
 * - `unknown_market`: the market is not configured;
 * - `mark_price_unavailable`: the hub has no mark price of the market's underlying yet, or only a stale one
 *   (retryable: the same report is accepted once a fresh price arrives);
 * - `entry_price_out_of_band`: the entry price is 0 or outside the market's band around the mark price;
 * - `notional_too_large`: |size| × mark exceeds the market's maximum notional.
 */
export type PositionReportErrorCode =
  | 'invalid_signature'
  | 'stale_sequence'
  | 'sequence_out_of_range'
  | 'unknown_market'
  | 'mark_price_unavailable'
  | 'entry_price_out_of_band'
  | 'notional_too_large'

/** A position report that is well-formed but cannot be applied; `code` says which rule refused it. */
export class PositionReportError extends AggregatorError {
  override name = 'PositionReportError'
  constructor(
    readonly code: PositionReportErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details)
  }
}
