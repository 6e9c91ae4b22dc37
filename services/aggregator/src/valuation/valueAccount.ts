import type { Config } from '@unimargin/chains'
import { type DbOrTx, eq, positions as positionsTable } from '@unimargin/db'
import type { AccountMargin, AccountRisk, Instrument, PortfolioCollateral, PositionInput } from '@unimargin/risk'
import { assetOn, marketOf } from '../common/config.js'
import type { AccountRow, BalanceRow } from '../ledger/index.js'
import { readCollateralBalances } from '../ledger/index.js'
import { type AccountParameterSetView, accountConfigOf } from '../riskParameters/index.js'
import { loadPriceBook, type PriceBook, type PriceQuote } from '../pricing/index.js'
import { collateralItemOf } from './collateralItem.js'
import { computeMargin, instrumentOf } from './riskModel.js'

export type PositionRow = typeof positionsTable.$inferSelect

/** A collateral balance as the engine values it (see `collateralItemOf`), with the price quote it was valued at. */
export type ValuedCollateralItem = Omit<PortfolioCollateral, 'priceUpdatedAtMs'> & { quote: PriceQuote | undefined }
export type ValuedPosition = PositionInput & { quote: PriceQuote | undefined; underlying: string; instrument: Instrument }

/** A price the account depends on that is missing or older than `maxPriceAgeSeconds`. */
export type PriceProblem = { symbol: string; chainId: number | null; problem: 'missing' | 'stale'; ageSeconds: bigint | null }

export type MarginInputs = {
  items: ValuedCollateralItem[]
  /** balances of assets the config does not list as collateral on that chain: kept in the ledger, valued at zero */
  unconfigured: BalanceRow[]
  positions: ValuedPosition[]
  /** the protocol's margin; `risk` holds the portfolio engine's outputs when the engine is configured */
  margin: AccountMargin & { risk?: AccountRisk }
  priceProblems: PriceProblem[]
}

export type AccountValuation = MarginInputs & {
  /**
   * the config the account was valued with: the protocol's, or with `margin.calibration = 'volatility'` its copy under
   * the account's parameter set; every later computation on this valuation (withdrawable amounts, the liquidation
   * planner, the risk view) must use it
   */
  config: Config
  /** the parameter set in force for the account (null when the grid is static) */
  parameterSet: AccountParameterSetView | null
  account: AccountRow
  balances: BalanceRow[]
  positionRows: PositionRow[]
  book: PriceBook
}

/**
 * Turns ledger rows into risk-engine input and computes the margin. Collateral without a price is valued at zero;
 * a position without a mark price is marked at its entry price; both are listed in `priceProblems` so decisions
 * that must not act on them (withdrawals, liquidation) can refuse.
 */
export function buildMargin(
  config: Config,
  book: PriceBook,
  balances: BalanceRow[],
  positionRows: PositionRow[],
  settledPnlUsd8: bigint,
  nowSeconds: bigint,
): MarginInputs {
  const items: ValuedCollateralItem[] = []
  const unconfigured: BalanceRow[] = []
  const problems = new Map<string, PriceProblem>()
  const note = (quote: PriceQuote | undefined, symbol: string, chainId: number | null) => {
    if (!quote) problems.set(`${symbol}:${chainId}`, { symbol, chainId, problem: 'missing', ageSeconds: null })
    else if (quote.stale) problems.set(`${symbol}:${quote.chainId}`, { symbol, chainId: quote.chainId, problem: 'stale', ageSeconds: quote.ageSeconds })
  }
  for (const b of balances) {
    // a negative balance is a liability on that chain (paid out there against collateral elsewhere)
    if (b.amount === 0n) continue
    const asset = assetOn(config, b.chainId, b.asset)
    if (!asset) {
      unconfigured.push(b)
      continue
    }
    const item = collateralItemOf(book, b.chainId, asset, b.amount)
    note(item.quote, asset.symbol, b.chainId)
    items.push(item)
  }
  const positions: ValuedPosition[] = []
  for (const p of positionRows) {
    const market = marketOf(config, p.market)
    if (!market) continue
    const quote = book.markPrice(market.underlying)
    note(quote, market.underlying, quote?.chainId ?? null)
    positions.push({
      market: p.market,
      underlying: market.underlying,
      instrument: instrumentOf(market),
      size: p.size,
      entryPrice: p.entryPrice,
      markPrice: quote?.priceUsd8 ?? p.entryPrice,
      imfBps: market.imfBps,
      mmfBps: market.mmfBps,
      quote,
    })
  }
  const margin = computeMargin(config, book, nowSeconds, { items, positions, settledPnlUsd8 })
  // the engine marks options and futures at model value: report that as the position's mark
  for (const [i, p] of margin.positions.entries()) if (positions[i]) positions[i]!.markPrice = p.markPrice
  return { items, unconfigured, positions, margin, priceProblems: [...problems.values()] }
}

/** What {@link valueAccount} reads for an account: its collateral balances, positions and the price book. */
export type ValuationRows = { balances: BalanceRow[]; positionRows: PositionRow[]; book: PriceBook }

/**
 * Reads what a valuation of `address` needs without computing it, for callers that compute elsewhere (the
 * what-if computes in a worker thread).
 * @param referenceTs unix seconds used as "now" for chains with no processed block yet
 * @param book a price book the caller already loaded (views of many accounts share one); loaded when omitted
 */
export async function readValuationRows(tx: DbOrTx, config: Config, address: string, referenceTs: bigint, book?: PriceBook): Promise<ValuationRows> {
  const [balances, positionRows, loadedBook] = await Promise.all([
    readCollateralBalances(tx, address),
    tx.select().from(positionsTable).where(eq(positionsTable.account, address)),
    book ?? loadPriceBook(tx, config, referenceTs),
  ])
  return { balances, positionRows, book: loadedBook }
}

/**
 * Loads an account's collateral (free balances plus refused escrows, see `readCollateralBalances`), positions
 * and the price book and computes its margin, under the account's parameter set when the grid follows realised
 * volatility (`accountConfigOf`). A withdrawal counts against equity only while it can still be paid.
 * @param account the account row (read or locked by the caller)
 * @param referenceTs unix seconds used as "now" for chains with no processed block yet
 * @param book a price book the caller already loaded at `referenceTs`; loaded when omitted
 */
export async function valueAccount(tx: DbOrTx, config: Config, account: AccountRow, referenceTs: bigint, book?: PriceBook): Promise<AccountValuation> {
  const [{ balances, positionRows, book: usedBook }, under] = await Promise.all([
    readValuationRows(tx, config, account.address, referenceTs, book),
    accountConfigOf(tx, config, account.address, Number(referenceTs) * 1000),
  ])
  return {
    config: under.config,
    parameterSet: under.parameterSet,
    account,
    balances,
    positionRows,
    book: usedBook,
    ...buildMargin(under.config, usedBook, balances, positionRows, account.settledPnl, referenceTs),
  }
}
