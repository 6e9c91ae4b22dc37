export { collateralItemOf } from './collateralItem.js'
export {
  type AccountValuation,
  buildMargin,
  type MarginInputs,
  type PositionRow,
  type PriceProblem,
  readValuationRows,
  type ValuationRows,
  type ValuedCollateralItem,
  type ValuedPosition,
  valueAccount,
} from './valueAccount.js'
export { computeMargin, configUnderParameterSet, instrumentOf, marketStateOf, plannerMarginOf, portfolioAccountOf, type RiskModel, riskModelOf, withdrawableAmounts } from './riskModel.js'
