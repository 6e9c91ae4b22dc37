export { applyPositionReport } from './applyPositionReport.js'
