export {
  annualise as deriveAnnualise,
  type DeriveBlack76Inputs,
  deriveBlack76,
  SECONDS_PER_YEAR as DERIVE_SECONDS_PER_YEAR,
} from './black76.js'
export { DERIVE_TOLERANCE, type DeriveCheck, type DeriveCheckedField, checkDeriveCase } from './check.js'
export { fromE18, toE18 } from './decimal.js'
export { DeriveCaseError, DeriveRejectedError } from './errors.js'
export { DeriveMathError, UNIT as DERIVE_UNIT } from './fixedPoint.js'
export {
  type DeriveMarginOptions,
  type DeriveMarginResult,
  type DeriveScenarioLoss,
  deriveMargin,
  scenarioName as deriveScenarioName,
} from './margin.js'
export { parseDeriveCase } from './parse.js'
export { parseDeriveParameters } from './parseParameters.js'
export { parseDeriveScenario } from './parseScenario.js'
export type { DeriveContingencies } from './portfolio.js'
export { type DeriveSviParams, sviVol } from './svi.js'
export type * from './types.js'
export { assertDeriveAccepts } from './validate.js'
