import { UnimarginError } from '@unimargin/errors'

/** A price series or an estimator option that the volatility estimators cannot use. */
export class VolatilityInputError extends UnimarginError {
  override readonly name = 'VolatilityInputError'
  /** the offending field or index, e.g. `points[12].tMs` or `lambda` */
  readonly path: string

  constructor(path: string, message: string) {
    super(`Volatility input, ${path}: ${message}`)
    this.path = path
  }
}
