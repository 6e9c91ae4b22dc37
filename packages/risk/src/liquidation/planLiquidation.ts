import { computeAccountMargin } from '../margin/computeAccountMargin.js'
import { BPS, ceilDiv, floorDiv, max, min } from '../math.js'
import { closePositions } from './closePositions.js'
import { seizeCollateral } from './seizeCollateral.js'
import type { LiquidationMarginFunction, LiquidationPlan, PlanLiquidationParameters } from './types.js'

const FULL = 10_000

/**
 * Plans the liquidation of an account: which part of its positions to close, the penalty, which collateral to seize
 * on which chain, and how any shortfall is covered.
 *
 * 1. Close: without `targetHealthBps`, every position is closed (full liquidation). With it, the smallest fraction
 *    f (bps, pro rata over all positions) is closed such that, after the penalty and the seizures, equity/MM per the
 *    margin function is ≥ the target; f is found by bisection over 0..`maxCloseBps` (the margin function is assumed
 *    to improve as positions shrink). An account whose equity is ≤ 0 is always closed in full. Positions close at
 *    mark; realised P&L goes to settled P&L.
 * 2. Penalty: `penaltyBps` of the closed notional, rounded up, capped at the equity left after closing, never < 0
 *    (the usual perpetual-exchange convention: the liquidation fee is paid from the account's remaining margin).
 * 3. Seize: the debt (−settled P&L when negative: realised losses, penalty and any earlier debt) is covered by
 *    seizing collateral at oracle value, most liquid first, then lowest haircut, then chain id; amounts rounded up,
 *    never above a balance.
 * 4. Shortfall: debt the collateral cannot cover is drawn from the insurance fund up to `insuranceFundUsd8`, the
 *    rest is socialised loss; both are recorded in the plan.
 *
 * An account with no open position and no debt gets an empty plan: nothing is ever charged to a flat account.
 * Money is bigint (usd8 and token base units); every rounding goes against the account. Pure and deterministic.
 * @throws {RangeError} when `penaltyBps`, `targetHealthBps` or `maxCloseBps` is out of range, or (from the default
 *   margin function) a haircut or margin fraction is out of 0..10 000.
 * @example planLiquidation({ collateral, positions, settledPnlUsd8: 0n, penaltyBps: 100 }) // full close
 * @example planLiquidation({ collateral, positions, settledPnlUsd8: 0n, penaltyBps: 100, targetHealthBps: 12_500 })
 */
export function planLiquidation(parameters: PlanLiquidationParameters): LiquidationPlan {
  const { collateral, settledPnlUsd8, penaltyBps, targetHealthBps } = parameters
  const positions = parameters.positions.filter((p) => p.size !== 0n)
  const margin: LiquidationMarginFunction = parameters.margin ?? computeAccountMargin
  const maxCloseBps = parameters.maxCloseBps ?? FULL
  checkInteger('penalty', penaltyBps, 0, FULL)
  checkInteger('close factor', maxCloseBps, 1, FULL)
  if (targetHealthBps !== undefined) checkInteger('target health', targetHealthBps, 1, Number.MAX_SAFE_INTEGER)
  const insuranceFund = max(0n, parameters.insuranceFundUsd8 ?? 0n)

  const plan = (fractionBps: number): LiquidationPlan => {
    const close = closePositions(positions, fractionBps)
    const afterClose = { collateral, positions: close.remaining, settledPnlUsd8: settledPnlUsd8 + close.realizedPnlUsd8 }
    const equityAfterCloseUsd8 = margin(afterClose).equityUsd8
    const penaltyUsd8 = min(ceilDiv(close.closedNotionalUsd8 * BigInt(penaltyBps), BPS), max(0n, equityAfterCloseUsd8))
    const settledAfter = afterClose.settledPnlUsd8 - penaltyUsd8
    const debtUsd8 = settledAfter < 0n ? -settledAfter : 0n
    const seized = seizeCollateral(collateral, debtUsd8)
    const insuranceFundUsd8 = min(seized.uncoveredUsd8, insuranceFund)
    const after = margin({ collateral: seized.remainingCollateral, positions: close.remaining, settledPnlUsd8: settledAfter + seized.seizedValueUsd8 })
    const healthAfterBps = after.mmUsd8 === 0n ? null : floorDiv(after.equityUsd8 * BPS, after.mmUsd8)
    return {
      closeFractionBps: fractionBps,
      closedPositions: close.closed,
      remainingPositions: close.remaining,
      realizedPnlUsd8: close.realizedPnlUsd8,
      equityAfterCloseUsd8,
      penaltyUsd8,
      settledPnlUsd8: settledAfter,
      debtUsd8,
      seizures: seized.seizures,
      seizedValueUsd8: seized.seizedValueUsd8,
      uncoveredUsd8: seized.uncoveredUsd8,
      insuranceFundUsd8,
      socializedLossUsd8: seized.uncoveredUsd8 - insuranceFundUsd8,
      equityAfterUsd8: after.equityUsd8,
      mmAfterUsd8: after.mmUsd8,
      healthAfterBps,
      targetReached:
        after.mmUsd8 === 0n ? after.equityUsd8 >= 0n : after.equityUsd8 * BPS >= BigInt(targetHealthBps ?? 0) * after.mmUsd8,
    }
  }

  if (positions.length === 0) return plan(0)
  if (targetHealthBps === undefined) return plan(FULL)
  if (margin({ collateral, positions, settledPnlUsd8 }).equityUsd8 <= 0n) return plan(FULL)
  const none = plan(0)
  if (none.targetReached) return none
  // smallest fraction in 1..maxCloseBps that reaches the target, or maxCloseBps when none does
  let low = 0
  let high = maxCloseBps
  let best = plan(high)
  if (!best.targetReached) return best
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    const candidate = plan(mid)
    if (candidate.targetReached) {
      high = mid
      best = candidate
    } else low = mid
  }
  return best
}

function checkInteger(what: string, value: number, lowest: number, highest: number) {
  if (!Number.isInteger(value) || value < lowest || value > highest) {
    throw new RangeError(`The ${what} (${value} bps) is not an integer within ${lowest}..${highest}.`)
  }
}
