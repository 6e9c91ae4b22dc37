export { closePositions } from './closePositions.js'
export { planLiquidation } from './planLiquidation.js'
export { seizeCollateral, seizureOrder } from './seizeCollateral.js'
export type {
  ClosedPosition,
  LiquidationCollateralInput,
  LiquidationMarginFunction,
  LiquidationPlan,
  PlanLiquidationParameters,
  PlannedSeizure,
} from './types.js'
