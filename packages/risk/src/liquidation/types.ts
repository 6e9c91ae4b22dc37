import type { AccountMargin, AccountMarginInput, CollateralItemInput, PositionInput } from '../margin/types.js'

/** One collateral balance as the liquidation planner sees it. */
export type LiquidationCollateralInput = CollateralItemInput & {
  /**
   * how easily the asset is sold, lower = more liquid (e.g. 0 for stablecoins, 1 for ETH); seized first.
   * Unranked items come after every ranked one.
   */
  liquidityRank?: number
}

/**
 * The caller's margin model: equity and maintenance margin (usd8) of an account state. The planner calls it on the
 * state left after a candidate liquidation (fewer positions, less collateral, new settled P&L).
 * `computeAccountMargin` (tiered fractions) is the default; a portfolio-margin engine fits the same shape.
 */
export type LiquidationMarginFunction = (account: AccountMarginInput) => Pick<AccountMargin, 'equityUsd8' | 'mmUsd8'>

export type PlanLiquidationParameters = {
  /** the account's collateral balances with oracle prices and haircuts (negative amounts are liabilities, never seized) */
  collateral: readonly LiquidationCollateralInput[]
  /** every open position, closed at its mark price */
  positions: readonly PositionInput[]
  /** settled P&L before the liquidation, usd8, signed */
  settledPnlUsd8: bigint
  /** penalty, bps of closed notional (0..10 000), capped at the equity left after closing, never negative */
  penaltyBps: number
  /**
   * Partial liquidation: close the smallest fraction of every position (pro rata, in bps) that brings equity/MM up
   * to this ratio in bps (e.g. 12 500 = 1.25) after the penalty and the seizures. Omitted: close everything
   * (the full liquidation the aggregator performs today).
   */
  targetHealthBps?: number
  /**
   * Close factor: the largest fraction (bps, 1..10 000) of the positions one plan may close, so a liquidation
   * proceeds in rounds. Ignored when the account's equity is ≤ 0 (a partial close cannot restore it). Default 10 000.
   */
  maxCloseBps?: number
  /** the caller's margin model; default `computeAccountMargin` */
  margin?: LiquidationMarginFunction
  /** insurance fund balance available for a shortfall, usd8; default 0 (a shortfall is then socialised) */
  insuranceFundUsd8?: bigint
}

export type ClosedPosition = {
  market: string
  /** signed size closed, 18 decimals (same sign as the position) */
  size: bigint
  /** signed size left open, 18 decimals (0 after a full close) */
  remainingSize: bigint
  entryPrice: bigint
  markPrice: bigint
  /** |closed size| × mark, usd8, rounded up */
  notionalUsd8: bigint
  /** closed size × (mark − entry), usd8, rounded down */
  realizedPnlUsd8: bigint
}

export type PlannedSeizure = {
  chainId: number
  symbol: string
  asset: string
  /** token base units, ≤ the balance */
  amount: bigint
  /** market value of `amount` at the oracle price (no haircut), usd8, rounded down */
  valueUsd8: bigint
}

export type LiquidationPlan = {
  /** fraction of every position closed, bps (10 000 = all, 0 = none) */
  closeFractionBps: number
  /** positions with a non-zero closed size */
  closedPositions: ClosedPosition[]
  /** positions left open (reduced sizes), as `PositionInput` for the next margin check */
  remainingPositions: PositionInput[]
  /** Σ realised P&L of the closed parts, usd8 */
  realizedPnlUsd8: bigint
  /** equity after closing and before the penalty, usd8 */
  equityAfterCloseUsd8: bigint
  penaltyUsd8: bigint
  /** settled P&L after realising the closed parts and charging the penalty, before seizures, usd8 */
  settledPnlUsd8: bigint
  /** what the account owes: −settledPnl when negative, else 0, usd8 */
  debtUsd8: bigint
  /** collateral to seize, most liquid first, then lowest haircut, then chain id */
  seizures: PlannedSeizure[]
  /** market value the seizures are expected to bring, usd8 */
  seizedValueUsd8: bigint
  /** debt the collateral cannot cover (expected shortfall), usd8 = insuranceFundUsd8 + socializedLossUsd8 */
  uncoveredUsd8: bigint
  /** part of the shortfall the insurance fund covers, usd8 */
  insuranceFundUsd8: bigint
  /** part of the shortfall no one covers, shared among the other accounts, usd8 */
  socializedLossUsd8: bigint
  /** equity after the close, penalty and seizures, per the margin function, usd8 */
  equityAfterUsd8: bigint
  /** maintenance margin of the remaining positions, usd8 */
  mmAfterUsd8: bigint
  /** equity/MM after the plan in bps, rounded down; `null` when MM = 0 */
  healthAfterBps: bigint | null
  /** whether the state after the plan meets `targetHealthBps` (without a target, or once MM = 0: whether equity ≥ 0) */
  targetReached: boolean
}
