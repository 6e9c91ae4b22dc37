import { type AccountRisk, createPortfolioEngine, type MarginMode, type PortfolioEngine } from '@unimargin/risk'
import { type AccountOptions, openAccount, openBook, reviewAccount } from './account.js'
import { capitalRequired } from './capital.js'
import type { StressLiquidation } from './liquidate.js'
import { type MarketOptions, marketAt, toUsd, windowSurfaces } from './market.js'
import type { SamplePortfolio } from './portfolios.js'
import { windowWarnings } from './warnings.js'
import type { PriceWindow } from './windows.js'

export type { StressLiquidation } from './liquidate.js'

/**
 * One replayed hour, after that hour's liquidations. Money in USD (float, for reporting and charts only; the engine
 * works in usd8 bigints). `health` is null when nothing is required: with `open` false the book has been closed
 * (a chart draws nothing there), with `open` true its positions carry no maintenance margin.
 */
export type StressPoint = {
  t: number
  equityUsd: number
  imUsd: number
  mmUsd: number
  health: number | null
  /** health at the hour's prices before its liquidations (differs from `health` only in a liquidation hour) */
  healthBefore: number | null
  /** the book still has open positions */
  open: boolean
}

export type StressRun = {
  window: string
  portfolio: string
  mode: MarginMode
  /** smallest USDC deposit that opens the book at the window's first hour (`capitalRequired`), USD */
  capitalRequiredUsd: number
  /** market value of the book's spot legs held beside that deposit, USD */
  spotLegsUsd: number
  /** first hour equity fell below initial margin (isolated: a position's allocation + P&L below its IM), unix ms */
  firstMarginCallAt: number | null
  liquidations: StressLiquidation[]
  seizedUsd: number
  /** debt the liquidated collateral could not cover (bad debt: no insurance fund in the replay) */
  shortfallUsd: number
  /** lowest health seen, liquidation hours included (their health before the liquidation); null if never required */
  minHealth: number | null
  /** data caveats of the window (e.g. spot prices standing in for perpetual marks) */
  warnings: string[]
  points: StressPoint[]
}

export type ReplayOptions = AccountOptions & MarketOptions

/** equity < IM: the account's, or in isolated mode any position's allocation + P&L below that position's IM */
function belowInitialMargin(risk: AccountRisk): boolean {
  // a position with no requirement (a long option) cannot be called, whatever its P&L
  if (risk.isolated)
    return risk.isolated.some((p, i) => risk.positions[i]!.imUsd8 > 0n && p.equityUsd8 < risk.positions[i]!.imUsd8)
  return risk.equityUsd8 < risk.imUsd8
}

const healthOf = (risk: AccountRisk) => (risk.healthBps === null ? null : Number(risk.healthBps) / 10_000)

/**
 * Replays one sample book through one crash window under one margin mode, hour by hour: marks collateral and
 * positions to the window's closes, records equity, IM, MM and health, the first margin call (equity < IM), and
 * liquidates what is below maintenance with the product's planner (`reviewAccount`: the whole account in portfolio
 * and tiered modes, each position alone on its allocation in isolated mode). The book is replayed with the
 * collateral its description gives; the capital it requires is measured apart (`capitalRequired`).
 * @param engine an engine in `mode` (default `createPortfolioEngine({ mode })`)
 */
export function replay(
  window: PriceWindow,
  portfolio: SamplePortfolio,
  mode: MarginMode,
  options: ReplayOptions = {},
  engine?: PortfolioEngine,
): StressRun {
  const e = engine ?? createPortfolioEngine({ mode })
  const surfaces = windowSurfaces(window, options)
  const rate = options.rate ?? 0.03
  const first = marketAt(window, 0, surfaces, rate)
  const book = portfolio.build({ ETH: window.closes.ETH?.[0] ?? 0, BTC: window.closes.BTC?.[0] ?? 0 }, first.nowMs)
  const capital = capitalRequired(openBook(book, first), first, e)
  const state = openAccount(book, mode, first, e, options)
  const run: StressRun = {
    window: window.name,
    portfolio: portfolio.name,
    mode,
    capitalRequiredUsd: toUsd(capital.depositUsd8),
    spotLegsUsd: toUsd(capital.spotLegsUsd8),
    firstMarginCallAt: null,
    liquidations: [],
    seizedUsd: 0,
    shortfallUsd: 0,
    minHealth: null,
    warnings: windowWarnings(window),
    points: [],
  }
  for (let i = 0; i < window.times.length; i++) {
    const market = marketAt(window, i, surfaces, rate)
    const { before, after, liquidations } = reviewAccount(state, market)
    if (run.firstMarginCallAt === null && belowInitialMargin(before)) run.firstMarginCallAt = market.nowMs
    for (const l of liquidations) {
      run.liquidations.push(l)
      run.seizedUsd += l.seizedUsd
      run.shortfallUsd += l.shortfallUsd
    }
    const health = healthOf(after)
    const healthBefore = healthOf(before)
    for (const h of [healthBefore, health])
      if (h !== null && (run.minHealth === null || h < run.minHealth)) run.minHealth = h
    run.points.push({
      t: market.nowMs,
      equityUsd: toUsd(after.equityUsd8),
      imUsd: toUsd(after.imUsd8),
      mmUsd: toUsd(after.mmUsd8),
      health,
      healthBefore,
      open: state.account.positions.length > 0,
    })
  }
  return run
}
