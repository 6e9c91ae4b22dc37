export { recoverPositionReporter, signPositionReport } from './sign.js'
export { type PositionReport, type PositionReportDomain, positionReportDomain, positionReportTypes } from './types.js'
