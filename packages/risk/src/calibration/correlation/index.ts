export { type CreditShrinkage, effectiveMaxCredit } from './effectiveMaxCredit.js'
export { type DiversificationFloor, diversificationFloor } from './diversificationFloor.js'
export { type CorrelationMatrix, meanAbsCorrelation, RollingCorrelation } from './rollingCorrelation.js'
export { type UnderlyingHolding, underlyingWorstLosses } from './underlyingWorstLosses.js'
