import { UnimarginError } from '@unimargin/errors'

/** A scenario grid that does not have the documented shape or whose numbers are out of range. */
export class ScenarioGridError extends UnimarginError {
  override readonly name = 'ScenarioGridError'
  /** where in the grid the problem is, e.g. `underlyings.BTC.maxMove` */
  readonly path: string

  constructor(path: string, message: string) {
    super(`Scenario grid, ${path}: ${message}`)
    this.path = path
  }
}
