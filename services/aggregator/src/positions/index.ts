export { applyPositionReport } from './applyPositionReport.js'
export { checkReportBounds, entryPriceBandUsd8, MAX_REPORT_SEQUENCE } from './checkReportBounds.js'
