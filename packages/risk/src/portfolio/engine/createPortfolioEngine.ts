import { defaultScenarioGrid, type ScenarioGrid } from '../../scenarios/index.js'
import { resolveSpanParams, type SpanParamsInput } from '../../span/spanParams.js'
import { createMarketContext, type MarketContext } from '../market/marketContext.js'
import type { AccountRisk, MarginMode, MarketState, PortfolioAccount, PortfolioParams } from '../types.js'
import { type AccountChange, applyChange } from './applyChange.js'
import { computeRisk } from './computeRisk.js'
import { resolveParams } from './defaultParams.js'
import { type LiquidationPrice, solveLiquidationPrice } from './liquidationPrice.js'
import { type WithdrawableAmount, type WithdrawableOptions, withdrawableAmounts } from './withdrawable.js'

export type PortfolioEngineConfig = {
  /** validated scenario grid (`parseScenarioGrid`); default `defaultScenarioGrid()` */
  grid?: ScenarioGrid
  /** margin mode; default `portfolio` */
  mode?: MarginMode
  /** overrides of `DEFAULT_PORTFOLIO_PARAMS` (each top-level key replaced whole) */
  params?: Partial<PortfolioParams>
  /** span mode: overrides of the SPAN defaults derived from `grid` (`resolveSpanParams`); else `params.span` */
  span?: SpanParamsInput
}

/** The per-account engine. Every method is pure: same inputs, same outputs. */
export type PortfolioEngine = {
  readonly grid: ScenarioGrid
  readonly mode: MarginMode
  readonly params: PortfolioParams
  /** the account's equity, requirements, health, scenario vector, Greeks and σ at `market` */
  marginAccount(account: PortfolioAccount, market: MarketState): AccountRisk
  /** the account's risk after a hypothetical change (add/remove positions, collateral deltas) */
  whatIf(account: PortfolioAccount, market: MarketState, change: AccountChange): AccountRisk
  /** per (chain, asset), the most that may be withdrawn leaving equity ≥ IM + buffer of that chain */
  withdrawable(account: PortfolioAccount, market: MarketState, options: WithdrawableOptions): WithdrawableAmount[]
  /** the spot prices of `underlying`, below and above, at which equity falls under MM, others held */
  liquidationPrice(account: PortfolioAccount, market: MarketState, underlying: string): LiquidationPrice
  /** the market prepared for this grid (instrument × scenario P&L computed once per instrument and cached) */
  context(market: MarketState): MarketContext
}

/**
 * Creates a margin engine for one protocol: a scenario grid, a mode and parameters. Prepared markets are cached per
 * `MarketState` object (weakly), so revaluing many accounts at one tick prices each instrument once.
 * @throws {InvalidParamsError} when `params` are out of range (see `resolveParams`; span mode: `resolveSpanParams`)
 * @example
 * const engine = createPortfolioEngine({ mode: 'portfolio' })
 * const risk = engine.marginAccount(account, market) // risk.mmUsd8, risk.healthBps, risk.worstScenario, ...
 */
export function createPortfolioEngine(config: PortfolioEngineConfig = {}): PortfolioEngine {
  const grid = config.grid ?? defaultScenarioGrid()
  const mode = config.mode ?? 'portfolio'
  const resolved = resolveParams(config.params)
  const params = mode === 'span' ? { ...resolved, span: resolveSpanParams(grid, config.span ?? resolved.span) } : resolved
  const contexts = new WeakMap<MarketState, MarketContext>()
  const context = (market: MarketState) => {
    let ctx = contexts.get(market)
    if (!ctx) {
      ctx = createMarketContext(grid, market)
      contexts.set(market, ctx)
    }
    return ctx
  }
  const marginAccount = (account: PortfolioAccount, market: MarketState) => computeRisk(context(market), account, mode, params)
  return {
    grid,
    mode,
    params,
    context,
    marginAccount,
    whatIf: (account, market, change) => marginAccount(applyChange(account, change), market),
    withdrawable: (account, market, options) =>
      withdrawableAmounts(account, marginAccount(account, market), params.collateral, market.nowMs, options, (collateral) => marginAccount({ ...account, collateral }, market)),
    liquidationPrice: (account, market, underlying) => {
      // moved markets differ only in `underlying`: instruments on the others keep their rows
      const base = context(market)
      const moved = (a: PortfolioAccount, m: MarketState) => computeRisk(createMarketContext(grid, m, { context: base, changed: underlying }), a, mode, params)
      return solveLiquidationPrice(account, market, underlying, moved)
    },
  }
}
