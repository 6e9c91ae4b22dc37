import type { Config, MarginConfig, MarketConfig } from '@unimargin/chains'
import {
  type AccountMargin,
  type AccountMarginInput,
  type AccountRisk,
  type CollateralItemInput,
  computeAccountMargin,
  maxWithdrawable,
  type PortfolioAccount,
  createPortfolioEngine,
  engineConfigFor,
  type ParameterSet,
  type Instrument,
  type MarketState,
  type PortfolioEngine,
  type PortfolioParams,
  parseScenarioGrid,
} from '@unimargin/risk'
import type { PriceBook } from '../pricing/index.js'
import type { ValuedCollateralItem, ValuedPosition } from './valueAccount.js'

/** The protocol's margin model, built once per config: the linear baseline, or the portfolio engine in a mode. */
export type RiskModel = {
  mode: MarginConfig['mode']
  margin: MarginConfig
  /** the engine for `portfolio`, `tiered` and `isolated`; undefined for `linear` */
  engine: PortfolioEngine | undefined
}

const models = new WeakMap<Config, RiskModel>()


/** The instrument a market trades (perpetual unless configured otherwise). */
export function instrumentOf(market: MarketConfig): Instrument {
  const i = market.instrument
  if (i.kind === 'perp') return { kind: 'perp', underlying: market.underlying }
  if (i.kind === 'future') return { kind: 'future', underlying: market.underlying, expiryMs: i.expiry * 1000 }
  return { kind: 'option', underlying: market.underlying, expiryMs: i.expiry * 1000, strikeUsd8: i.strikeUsd8, right: i.right }
}

/**
 * The risk model of `config`, cached per config object.
 * @throws the engine's `InvalidParamsError` / grid parse error when `margin.params` or `margin.grid` are invalid.
 */
export function riskModelOf(config: Config): RiskModel {
  let model = models.get(config)
  if (!model) {
    const margin = config.margin
    const engine =
      margin.mode === 'linear'
        ? undefined
        : createPortfolioEngine({
            mode: margin.mode,
            ...(margin.params ? { params: margin.params as Partial<PortfolioParams> } : {}),
            ...(margin.grid !== undefined ? { grid: parseScenarioGrid(margin.grid) } : {}),
          })
    model = { mode: margin.mode, margin, engine }
    models.set(config, model)
  }
  return model
}

const underSets = new WeakMap<Config, Map<number, Config>>()
/** versions kept per config: the latest sets and those still in a grace window (one new set an hour at most) */
const SETS_KEPT = 16

/**
 * The protocol's config as margined under a published parameter set (`engineConfigFor`: the grid's moves, vol shocks
 * and size tiers scaled to the set's σ, its diversification cap): a copy of `config` whose risk model is the engine
 * built for that set, cached per (config, version) for the 16 versions built last, so every function taking a config
 * values with the set. The base config when it runs no portfolio-mode engine.
 */
export function configUnderParameterSet(config: Config, set: ParameterSet): Config {
  const base = riskModelOf(config)
  if (!base.engine || base.mode !== 'portfolio') return config
  const byVersion = underSets.get(config) ?? new Map<number, Config>()
  underSets.set(config, byVersion)
  let derived = byVersion.get(set.version)
  if (!derived) {
    const { grid, params } = engineConfigFor(set, { grid: base.engine.grid, params: base.engine.params })
    derived = { ...config, margin: { ...config.margin } }
    models.set(derived, { ...base, engine: createPortfolioEngine({ mode: base.mode, grid, params }) })
    byVersion.set(set.version, derived)
    // the oldest version goes first; it is rebuilt if an account still asks for it
    if (byVersion.size > SETS_KEPT) byVersion.delete(byVersion.keys().next().value!)
  }
  return derived
}

const markets = new WeakMap<PriceBook, Map<bigint, MarketState>>()

/**
 * The market the engine revalues at: every underlying's mark from the price book (spot = mark = the hub chain's
 * feed), with the feed's timestamp for the staleness contingency, the configured vol surfaces and rate. One object
 * per (price book, time), so the engine's per-market cache prices each instrument once across a decision's
 * valuations, withdrawal searches and the liquidation planner's trial plans.
 */
export function marketStateOf(config: Config, book: PriceBook, nowSeconds: bigint): MarketState {
  const byTime = markets.get(book) ?? new Map<bigint, MarketState>()
  markets.set(book, byTime)
  const market = byTime.get(nowSeconds) ?? buildMarketState(config, book, nowSeconds)
  byTime.set(nowSeconds, market)
  return market
}

function buildMarketState(config: Config, book: PriceBook, nowSeconds: bigint): MarketState {
  const margin = config.margin
  const symbols = new Set([...config.markets.map((m) => m.underlying), ...config.chains.flatMap((c) => c.assets.flatMap((a) => [a.symbol, a.underlying]))])
  const underlyings: Record<string, MarketState['underlyings'][string]> = {}
  for (const symbol of symbols) {
    const quote = book.markPrice(symbol)
    if (quote && quote.priceUsd8 > 0n) underlyings[symbol] = { spotUsd8: quote.priceUsd8, updatedAtMs: Number(quote.updatedAt) * 1000 }
  }
  const surfaces: MarketState['surfaces'] = Object.fromEntries(
    Object.entries(margin.volSurfaces).map(([u, s]) => [
      u,
      { underlying: u, expiries: s.expiries.map((e) => ({ timeYears: e.days / 365, atmVol: e.atmVol })), skew: s.skew },
    ]),
  )
  return { nowMs: Number(nowSeconds) * 1000, underlyings, surfaces, rate: margin.rate }
}

/**
 * Computes an account's margin with the protocol's model. The result always carries the linear model's fields
 * (equity, IM, MM, health, collateral, positions in usd8) so every decision reads it the same way; with the engine
 * it is the engine's `AccountRisk` (scenario vector, worst scenario, Greeks, σ) as well.
 */
export type MarginInput = { items: readonly ValuedCollateralItem[]; positions: readonly ValuedPosition[]; settledPnlUsd8: bigint }

/** The engine's view of an account: collateral with price timestamps, positions with instruments. */
export function portfolioAccountOf(input: MarginInput): PortfolioAccount {
  return {
    collateral: input.items.map(({ quote, ...item }) => ({ ...item, ...(quote ? { priceUpdatedAtMs: Number(quote.updatedAt) * 1000 } : {}) })),
    positions: input.positions.map((p) => ({ instrument: p.instrument, size: p.size, entryPrice: p.entryPrice, market: p.market, imfBps: p.imfBps, mmfBps: p.mmfBps })),
    settledPnlUsd8: input.settledPnlUsd8,
  }
}

export function computeMargin(config: Config, book: PriceBook, nowSeconds: bigint, input: MarginInput): AccountMargin & { risk?: AccountRisk } {
  const { engine } = riskModelOf(config)
  const account = portfolioAccountOf(input)
  if (!engine)
    return computeAccountMargin({ collateral: account.collateral, positions: input.positions.map(({ quote: _, underlying: __, instrument: ___, ...p }) => p), settledPnlUsd8: input.settledPnlUsd8 })
  const risk = engine.marginAccount(account, marketStateOf(config, book, nowSeconds))
  return { ...risk, risk }
}

/**
 * For each target (chain, asset), the most a withdrawal there may take while leaving `equity ≥ IM + buffer`, base
 * units: the engine's exact search in engine modes, the linear closed form otherwise. A target the account does
 * not hold is answered with amount 0 held (the withdrawal would be a liability there). Vault liquidity is not applied.
 */
export function withdrawableAmounts(
  config: Config,
  book: PriceBook,
  nowSeconds: bigint,
  input: MarginInput,
  margin: AccountMargin,
  targets: readonly CollateralItemInput[],
  /** buffer per destination chain (the route's buffer), usd8 */
  bufferByChain: ReadonlyMap<number, bigint>,
): bigint[] {
  const { engine } = riskModelOf(config)
  const bufferOf = (chainId: number) => bufferByChain.get(chainId) ?? 0n
  if (!engine) return targets.map((item) => maxWithdrawable({ margin, item, bufferUsd8: bufferOf(item.chainId) }))
  const account = portfolioAccountOf(input)
  return engine
    .withdrawable(account, marketStateOf(config, book, nowSeconds), { bufferUsd8: 0n, bufferUsd8ByChain: Object.fromEntries(bufferByChain), items: targets })
    .map((w) => w.amount)
}

/**
 * The margin function the liquidation planner evaluates candidate plans with: the protocol's model at the current
 * prices (positions found again by market symbol, so the engine sees their instruments).
 */
export function plannerMarginOf(config: Config, book: PriceBook, nowSeconds: bigint) {
  return (input: AccountMarginInput): AccountMargin =>
    computeMargin(config, book, nowSeconds, {
      items: input.collateral.map((c) => ({ ...c, quote: undefined })),
      positions: input.positions.map((p) => {
        const market = config.markets.find((m) => m.symbol === p.market)
        return { ...p, quote: undefined, underlying: market?.underlying ?? p.market, instrument: market ? instrumentOf(market) : { kind: 'perp', underlying: p.market } }
      }),
      settledPnlUsd8: input.settledPnlUsd8,
    })
}
