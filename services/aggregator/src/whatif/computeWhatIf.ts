import type { Config } from '@unimargin/chains'
import type { AccountMargin, ParameterSet } from '@unimargin/risk'
import type { Address } from 'viem'
import { assetOn, marketOf } from '../common/config.js'
import type { BalanceRow } from '../ledger/index.js'
import { type PriceQuote, priceBookOf, type ValuationBlock } from '../pricing/index.js'
import { buildMargin, collateralItemOf, computeMargin, configUnderParameterSet, instrumentOf, type PositionRow, type ValuedCollateralItem, type ValuedPosition } from '../valuation/index.js'
import { UnimarginError } from '@unimargin/errors'

/** A hypothetical change: position size deltas (1e18, signed) by market and collateral deltas (base units, signed). */
export type WhatIfChange = {
  positions?: { market: string; size: bigint }[]
  collateral?: { chainId: number; asset: Address; amount: bigint }[]
}

/**
 * Everything a what-if computes from, read beforehand (see `readWhatIfInput`): plain data that a worker thread
 * receives by structured clone.
 */
export type WhatIfInput = {
  balances: BalanceRow[]
  positionRows: PositionRow[]
  /** the account's settled P&L, usd8 */
  settledPnlUsd8: bigint
  /** the valuation time, unix seconds */
  nowSeconds: bigint
  /** the price book's quotes and valuation blocks (see `priceBookOf`) */
  quotes: PriceQuote[]
  blocks: Map<number, ValuationBlock>
  /**
   * with `margin.calibration = 'volatility'`: the parameter set the account is margined under now (the "before"), and
   * the latest one, which any change is valued under (a change may add risk, which ends a grace window)
   */
  parameterSets?: { account: ParameterSet; latest: ParameterSet }
}

/** The margin figures a what-if compares (usd8 as decimal strings). */
export type MarginSummary = {
  equityUsd8: string
  imUsd8: string
  mmUsd8: string
  freeCollateralUsd8: string
  health: string | null
  worstScenario: string | null
}

export type WhatIfResult = { before: MarginSummary; after: MarginSummary }

/** Thrown when a what-if names a market or (chain, asset) the protocol does not configure. */
export class UnknownInstrumentError extends UnimarginError {
  override name = 'UnknownInstrumentError'
}

const summary = (m: AccountMargin & { risk?: { worstScenario: string | null } }): MarginSummary => ({
  equityUsd8: m.equityUsd8.toString(),
  imUsd8: m.imUsd8.toString(),
  mmUsd8: m.mmUsd8.toString(),
  freeCollateralUsd8: m.freeCollateralUsd8.toString(),
  health: m.health,
  worstScenario: m.risk?.worstScenario ?? null,
})

/**
 * The account's margin now and after `change`, with the protocol's margin model at the input's prices: a new
 * position enters at the mark (no instant P&L), a larger or smaller one keeps its entry; collateral may go negative
 * on a chain (a liability there). Pure and synchronous (no I/O): it runs in the what-if worker threads.
 * @throws {UnknownInstrumentError} naming the market or (chain, asset) that is not configured.
 */
export function computeWhatIf(config: Config, input: WhatIfInput, change: WhatIfChange): WhatIfResult {
  const { nowSeconds } = input
  const book = priceBookOf(config, input.quotes, input.blocks)
  const sets = input.parameterSets
  const current = sets ? configUnderParameterSet(config, sets.account) : config
  const changed = sets ? configUnderParameterSet(config, sets.latest) : config
  const valuation = buildMargin(current, book, input.balances, input.positionRows, input.settledPnlUsd8, nowSeconds)
  const items: ValuedCollateralItem[] = valuation.items.map((i) => ({ ...i }))
  for (const c of change.collateral ?? []) {
    const asset = assetOn(config, c.chainId, c.asset)
    if (!asset) throw new UnknownInstrumentError(`Asset ${c.asset} is not collateral on chain ${c.chainId}.`)
    const held = items.find((i) => i.chainId === c.chainId && i.asset === asset.address)
    if (held) held.amount += c.amount
    else items.push(collateralItemOf(book, c.chainId, asset, c.amount))
  }
  const positions: ValuedPosition[] = valuation.positions.map((p) => ({ ...p }))
  for (const p of change.positions ?? []) {
    const market = marketOf(config, p.market)
    if (!market) throw new UnknownInstrumentError(`Market ${p.market} is not configured (configured: ${config.markets.map((m) => m.symbol).join(', ')}).`)
    const held = positions.find((x) => x.market === p.market)
    if (held) held.size += p.size
    else {
      const quote = book.markPrice(market.underlying)
      const mark = quote?.priceUsd8 ?? 0n
      positions.push({ market: p.market, underlying: market.underlying, instrument: instrumentOf(market), size: p.size, entryPrice: mark, markPrice: mark, imfBps: market.imfBps, mmfBps: market.mmfBps, quote })
    }
  }
  const open = positions.filter((p) => p.size !== 0n)
  const settledPnlUsd8 = input.settledPnlUsd8
  // an option or future entering now enters at its model value: price it once with the engine, then re-run
  const probe = computeMargin(changed, book, nowSeconds, { items, positions: open, settledPnlUsd8 })
  for (const [i, p] of open.entries()) if (!valuation.positions.some((x) => x.market === p.market)) p.entryPrice = probe.positions[i]?.markPrice ?? p.entryPrice
  const after = computeMargin(changed, book, nowSeconds, { items, positions: open, settledPnlUsd8 })
  return { before: summary(valuation.margin), after: summary(after) }
}
