/**
 * What a venue needs to report positions: sign a report with its reporter key over the hub's EIP-712 domain, then
 * submit it with `client.reportPosition(report, signature)`.
 */
export { type PositionReport, type PositionReportDomain, positionReportDomain, positionReportTypes, signPositionReport } from '@unimargin/protocol/position-report'
