export { computeAccountRisk, type AccountRiskInput } from './adapter/computeAccountRisk.js'
export { tierAverageBps, valueCollateral } from './collateral/valueCollateral.js'
export type { AccountChange } from './engine/applyChange.js'
export { createPortfolioEngine, type PortfolioEngine, type PortfolioEngineConfig } from './engine/createPortfolioEngine.js'
export { DEFAULT_PORTFOLIO_PARAMS, resolveParams } from './engine/defaultParams.js'
export type { LiquidationPrice } from './engine/liquidationPrice.js'
export type { WithdrawableAmount, WithdrawableOptions } from './engine/withdrawable.js'
export { InvalidInputError, InvalidParamsError, MissingMarketDataError, PortfolioError } from './errors.js'
export { instrumentKey } from './instruments/instrumentKey.js'
export type { InstrumentRisk } from './instruments/instrumentRisk.js'
export { type InstrumentValuation, valueInstrument } from './instruments/valueInstrument.js'
export type { MarketContext } from './market/marketContext.js'
export { latencyBufferUsd8 } from './sigma/latencyBuffer.js'
export type {
  AccountRisk,
  CollateralParams,
  CollateralRisk,
  DiversificationParams,
  FutureInstrument,
  Instrument,
  IsolatedPositionRisk,
  MarginMode,
  MarketState,
  MarketTierParams,
  NotionalTier,
  OptionInstrument,
  PerpInstrument,
  PortfolioAccount,
  PortfolioCollateral,
  PortfolioParams,
  PortfolioPosition,
  PositionGreeks,
  PositionRisk,
  StandardOptionMargin,
  UnderlyingQuote,
} from './types.js'
export * from './batch/index.js'
