import {
  type AccountRisk,
  type Instrument,
  instrumentKey,
  type MarginMode,
  type MarketState,
  type PortfolioAccount,
  type PortfolioEngine,
  valueInstrument,
} from '@unimargin/risk'
import { allocateIsolated, allocationCash, DEFAULT_ISOLATED_FREE_SHARE_BPS, withAllocations } from './isolated.js'
import { type LiquidationOptions, liquidate, type StressLiquidation } from './liquidate.js'
import { markCollateral, toUsd8 } from './market.js'

/** Settings of an account in a replay. */
export type AccountOptions = LiquidationOptions & {
  /** isolated mode: share of the free collateral at opening added to the allocations, bps (default 5 000) */
  isolatedFreeShareBps?: number
}

/** One account being replayed: its state, mode-bound engine and instruments. Mutated by {@link reviewAccount}. */
export type StressAccount = {
  mode: MarginMode
  engine: PortfolioEngine
  /** positions carry `isolatedMarginUsd8` in isolated mode; collateral is then the reserve outside allocations */
  account: PortfolioAccount
  instruments: Map<string, Instrument>
  options: AccountOptions
}

/** What one hour's review found and did. */
export type AccountReview = {
  /** risk at the hour's prices before any liquidation */
  before: AccountRisk
  /** risk after this hour's liquidations (= `before` when there was none) */
  after: AccountRisk
  liquidations: StressLiquidation[]
  /** units of each underlying the liquidator traded (+ bought, − sold) */
  flows: Record<string, number>
}

/**
 * Opens a book at the first market: option positions at their model value (so it starts with no unrealised P&L) and,
 * in isolated mode, one allocation per position (`allocateIsolated`).
 */
export function openAccount(
  book: PortfolioAccount,
  mode: MarginMode,
  market: MarketState,
  engine: PortfolioEngine,
  options: AccountOptions = {},
): StressAccount {
  let account = openBook(book, market)
  if (mode === 'isolated')
    account = allocateIsolated(account, market, engine, options.isolatedFreeShareBps ?? DEFAULT_ISOLATED_FREE_SHARE_BPS)
  const instruments = new Map<string, Instrument>(
    account.positions.map((p) => [instrumentKey(p.instrument), p.instrument]),
  )
  return { mode, engine, account, instruments, options }
}

/** A book at its opening market: collateral marked, option positions entered at their model value. */
export function openBook(book: PortfolioAccount, market: MarketState): PortfolioAccount {
  return markCollateral(
    {
      ...book,
      positions: book.positions.map((p) =>
        p.instrument.kind === 'option'
          ? {
              ...p,
              entryPrice: toUsd8(valueInstrument(p.instrument, market).value),
            }
          : p,
      ),
    },
    market,
  )
}

/** The account's risk at `market` (collateral marked first; isolated allocations held as cash). */
export function accountRisk(state: StressAccount, market: MarketState): AccountRisk {
  state.account = markCollateral(state.account, market)
  return state.engine.marginAccount(withAllocations(state.account), market)
}

/**
 * Reviews one account at one market and liquidates what is below maintenance:
 * - portfolio and tiered: the whole account when equity < MM (`liquidate`);
 * - isolated: each position alone when its allocation + P&L < its MM, on a sub-account holding only its allocation;
 *   its shortfall is bad debt (the reserve and the other allocations are out of reach); when the position is closed
 *   in full, what is left of its allocation returns to the reserve.
 */
export function reviewAccount(state: StressAccount, market: MarketState): AccountReview {
  const before = accountRisk(state, market)
  const liquidations: StressLiquidation[] = []
  const flows: Record<string, number> = {}
  const add = (f: Record<string, number>) => {
    for (const [u, q] of Object.entries(f)) flows[u] = (flows[u] ?? 0) + q
  }
  if (state.mode !== 'isolated') {
    if (before.mmUsd8 > 0n && before.equityUsd8 < before.mmUsd8) {
      const r = liquidate(state.account, market, state.engine, state.instruments, state.options)
      state.account = r.account
      liquidations.push(r.event)
      add(r.flows)
    }
  } else if (before.isolated) {
    const kept: PortfolioAccount['positions'][number][] = []
    let returned = 0n
    before.isolated.forEach((iso, i) => {
      const position = state.account.positions[i]!
      if (!(iso.mmUsd8 > 0n && iso.equityUsd8 < iso.mmUsd8)) {
        kept.push(position)
        return
      }
      const { isolatedMarginUsd8, ...bare } = position
      const sub: PortfolioAccount = {
        collateral: [allocationCash(isolatedMarginUsd8 ?? 0n)],
        positions: [bare],
        settledPnlUsd8: 0n,
      }
      const r = liquidate(sub, market, state.engine, state.instruments, state.options, iso.market)
      liquidations.push(r.event)
      add(r.flows)
      const left = r.account.collateral[0]!.amount + r.account.settledPnlUsd8
      const rest = r.account.positions[0]
      if (rest) kept.push({ ...rest, isolatedMarginUsd8: left })
      else returned += left
    })
    state.account = {
      ...state.account,
      positions: kept,
      settledPnlUsd8: state.account.settledPnlUsd8 + returned,
    }
  }
  const after = liquidations.length === 0 ? before : accountRisk(state, market)
  return { before, after, liquidations, flows }
}
