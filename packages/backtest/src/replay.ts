import {
  type AccountMarginInput,
  type AccountRisk,
  createPortfolioEngine,
  instrumentKey,
  type Instrument,
  type MarginMode,
  type MarketState,
  type PortfolioAccount,
  type PortfolioEngine,
  type PositionInput,
  planLiquidation,
  valueInstrument,
  type VolSurface,
} from '@unimargin/risk'
import type { SamplePortfolio } from './portfolios.js'
import type { PriceWindow } from './windows.js'

/** One replayed hour. Money in USD (float, for reporting and charts only; the engine works in usd8 bigints). */
export type StressPoint = { t: number; equityUsd: number; imUsd: number; mmUsd: number; health: number | null }

/** One liquidation the planner carried out during the replay. */
export type StressLiquidation = { t: number; closeFractionBps: number; penaltyUsd: number; seizedUsd: number; shortfallUsd: number }

export type StressRun = {
  window: string
  portfolio: string
  mode: MarginMode
  /** initial margin the book needs when opened (the window's first hour), USD */
  capitalRequiredUsd: number
  /** first hour equity fell below initial margin, unix ms */
  firstMarginCallAt: number | null
  liquidations: StressLiquidation[]
  seizedUsd: number
  /** debt the account's collateral could not cover: the insurance fund's, then socialised (bad debt) */
  shortfallUsd: number
  /** lowest equity / MM seen */
  minHealth: number | null
  points: StressPoint[]
}

export type ReplayOptions = {
  /** liquidation penalty, bps of closed notional (default 100) */
  penaltyBps?: number
  /** health a partial liquidation restores, bps of MM (default 12 500 = 1.25) */
  targetHealthBps?: number
  /** ATM vol per underlying for option pricing (default ETH 0.75, BTC 0.65; illustrative, the windows carry no vols) */
  atmVols?: Record<string, number>
  /** vol skew per log-moneyness (default −0.1) */
  skew?: number
  /** continuously compounded rate (default 0.03) */
  rate?: number
}

const USD8 = 1e8
const toUsd = (v: bigint) => Number(v) / USD8
const toUsd8 = (v: number) => BigInt(Math.round(v * USD8))

function surfaces(window: PriceWindow, options: ReplayOptions): Record<string, VolSurface> {
  const vols: Record<string, number> = { ETH: 0.75, BTC: 0.65, ...options.atmVols }
  const out: Record<string, VolSurface> = {}
  for (const u of Object.keys(window.closes))
    out[u] = { underlying: u, expiries: [{ timeYears: 7 / 365, atmVol: vols[u] ?? 0.8 }, { timeYears: 90 / 365, atmVol: vols[u] ?? 0.8 }], skew: options.skew ?? -0.1 }
  return out
}

/** The market at hour `i`: spot = mark = the window's close; feeds fresh. */
function marketAt(window: PriceWindow, i: number, vol: Record<string, VolSurface>, rate: number): MarketState {
  const nowMs = window.times[i]!
  const underlyings: Record<string, MarketState['underlyings'][string]> = {}
  for (const [u, closes] of Object.entries(window.closes)) underlyings[u] = { spotUsd8: toUsd8(closes[i]!), updatedAtMs: nowMs }
  return { nowMs, underlyings, surfaces: vol, rate }
}

/** Collateral marked at the hour's prices (USDC at 1). */
function markCollateral(account: PortfolioAccount, market: MarketState): PortfolioAccount {
  return {
    ...account,
    collateral: account.collateral.map((c) => {
      const q = market.underlyings[c.symbol]
      return { ...c, priceUsd8: q ? q.spotUsd8 : c.priceUsd8, priceUpdatedAtMs: market.nowMs }
    }),
  }
}

/**
 * Replays one sample book through one crash window under one margin mode, hour by hour: marks collateral and
 * positions to the window's closes, records equity, IM, MM and health, the first margin call (equity < IM), and
 * liquidates with the product's planner (`planLiquidation`, partial to `targetHealthBps`, margin from the same engine)
 * whenever equity < MM, applying the plan (positions closed pro rata, collateral seized, shortfall written off).
 * Option positions open at their model value, so a book starts with no unrealised P&L.
 */
export function replay(window: PriceWindow, portfolio: SamplePortfolio, mode: MarginMode, options: ReplayOptions = {}, engine?: PortfolioEngine): StressRun {
  const e = engine ?? createPortfolioEngine({ mode })
  const vol = surfaces(window, options)
  const rate = options.rate ?? 0.03
  const first = marketAt(window, 0, vol, rate)
  const prices = { ETH: window.closes.ETH?.[0] ?? 0, BTC: window.closes.BTC?.[0] ?? 0 }
  let account = portfolio.build(prices, first.nowMs)
  account = {
    ...account,
    positions: account.positions.map((p) =>
      p.instrument.kind === 'option' ? { ...p, entryPrice: toUsd8(valueInstrument(p.instrument, first).value) } : p,
    ),
  }
  const instruments = new Map<string, Instrument>(account.positions.map((p) => [instrumentKey(p.instrument), p.instrument]))
  const run: StressRun = {
    window: window.name,
    portfolio: portfolio.name,
    mode,
    capitalRequiredUsd: 0,
    firstMarginCallAt: null,
    liquidations: [],
    seizedUsd: 0,
    shortfallUsd: 0,
    minHealth: null,
    points: [],
  }

  for (let i = 0; i < window.times.length; i++) {
    const market = marketAt(window, i, vol, rate)
    account = markCollateral(account, market)
    let risk: AccountRisk = e.marginAccount(account, market)
    if (i === 0) run.capitalRequiredUsd = toUsd(risk.imUsd8)
    if (run.firstMarginCallAt === null && risk.equityUsd8 < risk.imUsd8) run.firstMarginCallAt = market.nowMs
    if (risk.mmUsd8 > 0n && risk.equityUsd8 < risk.mmUsd8) {
      account = liquidate(account, market, e, instruments, run, options)
      risk = e.marginAccount(account, market)
    }
    const health = risk.healthBps === null ? null : Number(risk.healthBps) / 10_000
    if (health !== null && (run.minHealth === null || health < run.minHealth)) run.minHealth = health
    run.points.push({ t: market.nowMs, equityUsd: toUsd(risk.equityUsd8), imUsd: toUsd(risk.imUsd8), mmUsd: toUsd(risk.mmUsd8), health })
  }
  return run
}

function liquidate(
  account: PortfolioAccount,
  market: MarketState,
  engine: PortfolioEngine,
  instruments: Map<string, Instrument>,
  run: StressRun,
  options: ReplayOptions,
): PortfolioAccount {
  const toPortfolio = (a: AccountMarginInput): PortfolioAccount => ({
    collateral: a.collateral,
    settledPnlUsd8: a.settledPnlUsd8,
    positions: a.positions.map((p) => ({ instrument: instruments.get(p.market)!, size: p.size, entryPrice: p.entryPrice, market: p.market, imfBps: p.imfBps, mmfBps: p.mmfBps })),
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
    targetHealthBps: options.targetHealthBps ?? 12_500,
    margin: (a) => engine.marginAccount(toPortfolio(a), market),
  })
  const collateral = account.collateral.map((c) => {
    const seized = plan.seizures.filter((s) => s.chainId === c.chainId && s.asset === c.asset).reduce((sum, s) => sum + s.amount, 0n)
    return seized === 0n ? c : { ...c, amount: c.amount - seized }
  })
  let settled = plan.settledPnlUsd8 + plan.seizedValueUsd8
  const shortfall = settled < 0n ? -settled : 0n
  if (settled < 0n) settled = 0n
  run.liquidations.push({
    t: market.nowMs,
    closeFractionBps: plan.closeFractionBps,
    penaltyUsd: toUsd(plan.penaltyUsd8),
    seizedUsd: toUsd(plan.seizedValueUsd8),
    shortfallUsd: toUsd(shortfall),
  })
  run.seizedUsd += toUsd(plan.seizedValueUsd8)
  run.shortfallUsd += toUsd(shortfall)
  return { ...toPortfolio({ collateral, positions: plan.remainingPositions, settledPnlUsd8: settled }) }
}
