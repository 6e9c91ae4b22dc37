import { computeAccountMargin } from '../margin/computeAccountMargin.js'
import type { CollateralItemInput, PositionInput } from '../margin/types.js'
import { BPS, ceilDiv, max, min } from '../math.js'

export type PlanLiquidationParameters = {
  /** the account's free collateral balances with oracle prices and haircuts */
  collateral: readonly CollateralItemInput[]
  /** every open position; all are closed at their mark price */
  positions: readonly PositionInput[]
  /** settled P&L before the liquidation, usd8, signed */
  settledPnlUsd8: bigint
  /** penalty, bps of closed notional, capped at the equity left after closing */
  penaltyBps: number
}

export type ClosedPosition = {
  market: string
  size: bigint
  entryPrice: bigint
  markPrice: bigint
  notionalUsd8: bigint
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
  closedPositions: ClosedPosition[]
  /** Σ realised P&L of the closed positions, usd8 */
  realizedPnlUsd8: bigint
  /** equity after closing the positions and before the penalty, usd8 */
  equityAfterCloseUsd8: bigint
  penaltyUsd8: bigint
  /** settled P&L after realising the positions and charging the penalty, usd8 */
  settledPnlUsd8: bigint
  /** what the account owes: −settledPnl when negative, else 0, usd8 */
  debtUsd8: bigint
  /** collateral to seize, lowest haircut first, covering the debt at market value where the balances allow */
  seizures: PlannedSeizure[]
  /** market value the seizures are expected to bring, usd8 */
  seizedValueUsd8: bigint
  /** debt the collateral cannot cover (expected shortfall), usd8 */
  uncoveredUsd8: bigint
}

/**
 * Plans a full liquidation: closes every position at its mark price, charges `penaltyBps` of the closed notional
 * (capped at the equity left, never below zero) and picks collateral to seize at oracle value (no haircut), lowest
 * haircut first (ties by chain id, then symbol), each amount rounded up to cover the debt but never above the
 * balance. Pure. An account without positions or debt is charged nothing.
 * @example planLiquidation({ collateral, positions, settledPnlUsd8: 0n, penaltyBps: 100 })
 */
export function planLiquidation(parameters: PlanLiquidationParameters): LiquidationPlan {
  const { collateral, positions, settledPnlUsd8, penaltyBps } = parameters
  const margin = computeAccountMargin({ collateral, positions, settledPnlUsd8 })
  const closedPositions = margin.positions.map((p) => ({
    market: p.market,
    size: p.size,
    entryPrice: p.entryPrice,
    markPrice: p.markPrice,
    notionalUsd8: p.notionalUsd8,
    realizedPnlUsd8: p.unrealizedPnlUsd8,
  }))
  const realizedPnlUsd8 = margin.unrealizedPnlUsd8
  const closedNotional = closedPositions.reduce((s, p) => s + p.notionalUsd8, 0n)
  const equityAfterCloseUsd8 = margin.equityUsd8
  const penaltyUsd8 = min(ceilDiv(closedNotional * BigInt(penaltyBps), BPS), max(0n, equityAfterCloseUsd8))
  const settledAfter = settledPnlUsd8 + realizedPnlUsd8 - penaltyUsd8
  const debtUsd8 = settledAfter < 0n ? -settledAfter : 0n

  const order = [...collateral]
    .filter((c) => c.amount > 0n && c.priceUsd8 > 0n)
    .sort((a, b) => a.haircutBps - b.haircutBps || a.chainId - b.chainId || a.symbol.localeCompare(b.symbol))
  const seizures: PlannedSeizure[] = []
  let remaining = debtUsd8
  for (const item of order) {
    if (remaining <= 0n) break
    const scale = 10n ** BigInt(item.decimals)
    const amount = min(ceilDiv(remaining * scale, item.priceUsd8), item.amount)
    if (amount === 0n) continue
    const valueUsd8 = (amount * item.priceUsd8) / scale
    seizures.push({ chainId: item.chainId, symbol: item.symbol, asset: item.asset, amount, valueUsd8 })
    remaining -= min(valueUsd8, remaining)
  }
  const seizedValueUsd8 = seizures.reduce((s, x) => s + x.valueUsd8, 0n)
  return {
    closedPositions,
    realizedPnlUsd8,
    equityAfterCloseUsd8,
    penaltyUsd8,
    settledPnlUsd8: settledAfter,
    debtUsd8,
    seizures,
    seizedValueUsd8,
    uncoveredUsd8: remaining,
  }
}

