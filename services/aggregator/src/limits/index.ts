export { InvalidLimitsError, type SetLimitsParameters, writeSetLimits } from './writeSetLimits.js'
export { observeLimitsSequence } from './nextLimitsSequence.js'
