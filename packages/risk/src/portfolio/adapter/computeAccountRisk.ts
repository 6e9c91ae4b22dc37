import { createPortfolioEngine, type PortfolioEngine } from '../engine/createPortfolioEngine.js'
import type { AccountRisk, MarginMode, MarketState, PortfolioCollateral, PortfolioPosition } from '../types.js'

/** Input of {@link computeAccountRisk}: today's `AccountMarginInput` plus instrument descriptors and the market. */
export type AccountRiskInput = {
  collateral: readonly PortfolioCollateral[]
  positions: readonly PortfolioPosition[]
  settledPnlUsd8: bigint
  feesOwedUsd8?: bigint
  market: MarketState
  /** default `portfolio` (ignored when `engine` is given) */
  mode?: MarginMode
  /** an engine configured for the protocol; default: the default grid and parameters in `mode` */
  engine?: PortfolioEngine
}

const defaults = new Map<MarginMode, PortfolioEngine>()

/**
 * Drop-in successor of `computeAccountMargin` for the aggregator: same input fields plus instrument descriptors and
 * the market, and a result that carries every `AccountMargin` field (equityUsd8, imUsd8, mmUsd8, freeCollateralUsd8,
 * healthBps, health, collateral[], positions[]...) with the same units and rounding rule, so `maxWithdrawable` and
 * the buffer helpers accept it; plus the scenario vector, worst scenario, Greeks and σ.
 * A perp position from today's `PositionInput` maps as `{ instrument: { kind: 'perp', underlying }, size,
 * entryPrice, market, imfBps, mmfBps }`, its mark going to `market.underlyings[underlying].markUsd8`.
 * @example computeAccountRisk({ collateral: items, positions, settledPnlUsd8: 0n, market, mode: 'tiered' })
 */
export function computeAccountRisk(input: AccountRiskInput): AccountRisk {
  const mode = input.mode ?? 'portfolio'
  let engine = input.engine
  if (!engine) {
    engine = defaults.get(mode) ?? createPortfolioEngine({ mode })
    defaults.set(mode, engine)
  }
  const account = { collateral: input.collateral, positions: input.positions, settledPnlUsd8: input.settledPnlUsd8 }
  return engine.marginAccount(input.feesOwedUsd8 === undefined ? account : { ...account, feesOwedUsd8: input.feesOwedUsd8 }, input.market)
}
