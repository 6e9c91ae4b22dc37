import { UnimarginError } from '@unimargin/errors'

/** Base of the Derive mode's input errors; `path` names the offending field (e.g. `Scenario.Options[2].Strike`). */
export class DeriveCaseError extends UnimarginError {
  override readonly name: string = 'DeriveCaseError'
  /** JSON path of the field, dot-separated, `[i]` for array items */
  readonly path: string

  constructor(path: string, message: string) {
    super(`${path}: ${message}`)
    this.path = path
  }
}

/**
 * Parameters or scenarios that Derive's own setters reject (`PMRM_2.setScenarios`, `PMRMLib_2.set*Params`): the
 * contract reverts before any margin is computed, so there is nothing to compare.
 */
export class DeriveRejectedError extends DeriveCaseError {
  override readonly name = 'DeriveRejectedError'
  /** the contract's error name, e.g. `PMRM_2_InvalidScenarios` */
  readonly contractError: string

  constructor(path: string, contractError: string, message: string) {
    super(path, `${message} (Derive reverts with ${contractError})`)
    this.contractError = contractError
  }
}
