export { InvalidLimitsError, type SetLimitsParameters, writeSetLimits } from './writeSetLimits.js'
