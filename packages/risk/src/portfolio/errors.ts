import { UnimarginError } from '@unimargin/errors'

/** Base class of the portfolio engine's errors; `code` is stable for callers that branch on it. */
export class PortfolioError extends UnimarginError {
  override readonly name: string = 'PortfolioError'
  readonly code: 'missing-market-data' | 'invalid-input' | 'invalid-params'

  constructor(code: PortfolioError['code'], message: string) {
    super(message)
    this.code = code
  }
}

/** A position or collateral item needs a price or a vol surface the market does not have. */
export class MissingMarketDataError extends PortfolioError {
  override readonly name = 'MissingMarketDataError'
  /** the underlying (or symbol) whose data is missing */
  readonly underlying: string

  constructor(underlying: string, what: string) {
    super('missing-market-data', `The market has no ${what} for ${underlying}.`)
    this.underlying = underlying
  }
}

/** An account, position, market or change that is malformed (negative price, bad expiry, unknown mode...). */
export class InvalidInputError extends PortfolioError {
  override readonly name = 'InvalidInputError'
  constructor(message: string) {
    super('invalid-input', message)
  }
}

/** Engine parameters out of range (multipliers, tiers, haircut add-ons). */
export class InvalidParamsError extends PortfolioError {
  override readonly name = 'InvalidParamsError'
  constructor(message: string) {
    super('invalid-params', message)
  }
}
