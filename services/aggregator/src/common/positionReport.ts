/**
 * Position-report typed data lives in @unimargin/protocol (`src/position-report`); it is imported by path until
 * the package's public index re-exports it.
 */
export {
  type PositionReport,
  type PositionReportDomain,
  positionReportDomain,
  recoverPositionReporter,
  signPositionReport,
} from '../../../../packages/protocol/src/position-report/index.js'
