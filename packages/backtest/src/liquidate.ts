import {
  type AccountMarginInput,
  type Instrument,
  instrumentKey,
  type MarketState,
  type PortfolioAccount,
  type PortfolioEngine,
  type PositionInput,
  planLiquidation,
  valueInstrument,
} from '@unimargin/risk'
import { toUsd, toUsd8 } from './market.js'

/** Liquidation settings of a replay. */
export type LiquidationOptions = {
  /** liquidation penalty, bps of closed notional (default 100) */
  penaltyBps?: number
  /**
   * health a partial liquidation restores, bps of MM; absent = close every position, the product's default
   * (`margin.liquidationTargetHealthBps` unset)
   */
  targetHealthBps?: number
}

/** One liquidation the planner carried out. Money in USD (float, reporting only). */
export type StressLiquidation = {
  /** hour, unix ms */
  t: number
  /** isolated mode: the position liquidated alone; null when the whole account was liquidated */
  market: string | null
  closeFractionBps: number
  penaltyUsd: number
  seizedUsd: number
  /** debt the liquidated collateral could not cover (bad debt) */
  shortfallUsd: number
}

/** What one liquidation did: the account left, the event, and what the liquidator traded. */
export type LiquidationResult = {
  account: PortfolioAccount
  event: StressLiquidation
  /** units of each underlying the liquidator bought (+) or sold (−) to close positions and sell seized collateral */
  flows: Record<string, number>
  /** collateral value and settled P&L left after the plan, usd8 (< 0 is the shortfall) */
  settledUsd8: bigint
  shortfallUsd8: bigint
}

/**
 * Liquidates an account with the product's planner (`planLiquidation`, partial to `targetHealthBps`, margin from
 * `engine`, positions closed pro rata at their model marks, collateral seized most liquid first) and applies the plan.
 * Debt the collateral cannot cover is the shortfall (bad debt: no insurance fund in the replay); settled P&L is then
 * reset to 0. The liquidator's flows count a closed position at its delta (a perp's is 1 per unit) and seized
 * non-cash collateral (underlying other than `USD`) as sold.
 * @param market the market the plan is priced at
 * @param instruments instruments by `instrumentKey`, to rebuild positions from the planner's output
 */
export function liquidate(
  account: PortfolioAccount,
  market: MarketState,
  engine: PortfolioEngine,
  instruments: ReadonlyMap<string, Instrument>,
  options: LiquidationOptions,
  label: string | null = null,
): LiquidationResult {
  const toPortfolio = (a: AccountMarginInput): PortfolioAccount => ({
    collateral: account.collateral.map((c, i) => ({
      ...c,
      amount: a.collateral[i]!.amount,
    })),
    settledPnlUsd8: a.settledPnlUsd8,
    positions: a.positions
      .filter((p) => p.size !== 0n)
      .map((p) => ({
        instrument: instruments.get(p.market)!,
        size: p.size,
        entryPrice: p.entryPrice,
        market: p.market,
        imfBps: p.imfBps,
        mmfBps: p.mmfBps,
      })),
  })
  const positions: PositionInput[] = account.positions.map((p) => ({
    market: instrumentKey(p.instrument),
    size: p.size,
    entryPrice: p.entryPrice,
    markPrice: toUsd8(valueInstrument(p.instrument, market).value),
    imfBps: p.imfBps ?? 1000,
    mmfBps: p.mmfBps ?? 500,
  }))
  const plan = planLiquidation({
    collateral: account.collateral,
    positions,
    settledPnlUsd8: account.settledPnlUsd8,
    penaltyBps: options.penaltyBps ?? 100,
    ...(options.targetHealthBps !== undefined ? { targetHealthBps: options.targetHealthBps } : {}),
    margin: (a) => engine.marginAccount(toPortfolio(a), market),
  })
  const flows: Record<string, number> = {}
  for (const closed of plan.closedPositions) {
    const instrument = instruments.get(closed.market)!
    const delta = valueInstrument(instrument, market).greeks.delta
    flows[instrument.underlying] = (flows[instrument.underlying] ?? 0) - (Number(closed.size) / 1e18) * delta
  }
  const collateral = account.collateral.map((c) => {
    const seized = plan.seizures
      .filter((s) => s.chainId === c.chainId && s.asset === c.asset)
      .reduce((sum, s) => sum + s.amount, 0n)
    const underlying = c.underlying ?? c.symbol
    if (seized > 0n && underlying !== 'USD')
      flows[underlying] = (flows[underlying] ?? 0) - Number(seized) / 10 ** c.decimals
    return seized === 0n ? c : { ...c, amount: c.amount - seized }
  })
  const settledUsd8 = plan.settledPnlUsd8 + plan.seizedValueUsd8
  const shortfallUsd8 = settledUsd8 < 0n ? -settledUsd8 : 0n
  const remaining = toPortfolio({
    collateral,
    positions: plan.remainingPositions,
    settledPnlUsd8: settledUsd8 < 0n ? 0n : settledUsd8,
  })
  return {
    account: remaining,
    event: {
      t: market.nowMs,
      market: label,
      closeFractionBps: plan.closeFractionBps,
      penaltyUsd: toUsd(plan.penaltyUsd8),
      seizedUsd: toUsd(plan.seizedValueUsd8),
      shortfallUsd: toUsd(shortfallUsd8),
    },
    flows,
    settledUsd8,
    shortfallUsd8,
  }
}
