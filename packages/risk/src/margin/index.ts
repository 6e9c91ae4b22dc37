export { collateralValueUsd8, collateralWeightedUsd8, computeAccountMargin, formatBps } from './computeAccountMargin.js'
export { maxWithdrawable, type MaxWithdrawableParameters } from './maxWithdrawable.js'
export { positionNotionalUsd8 } from './notional.js'
export type {
  AccountMargin,
  AccountMarginInput,
  CollateralItemInput,
  CollateralItemMargin,
  PositionInput,
  PositionMargin,
} from './types.js'
