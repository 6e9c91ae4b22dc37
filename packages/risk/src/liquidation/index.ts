export { type ClosedPosition, type LiquidationPlan, type PlanLiquidationParameters, type PlannedSeizure, planLiquidation } from './planLiquidation.js'
