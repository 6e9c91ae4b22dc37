import { type MarketAddOns, marketAddOns, type AddOnHolding } from '../modes/marketAddOns.js'
import type { PortfolioParams } from '../types.js'
import type { BatchBook } from './createBatchEngine.js'
import type { InstrumentTable } from './instrumentTable.js'

/**
 * The diversification cap and concentration add-on of batch account `a`, a post-step on the kernel's outputs: the
 * account's rows of the price matrix (positions, then risk-cancelling collateral rows, in the per-account engine's
 * order) go through the same `marketAddOns`, so the capped worst loss and the add-on equal the per-account engine's
 * bit for bit. Delta per unit: the instrument's `valuation.greeks.deltaUsd` at the book's market; a collateral row's
 * asset price. O(positions × scenarios) per call.
 * @returns null when neither `params.diversification` nor `params.concentration` is set
 */
export function batchMarketAddOns(book: BatchBook, instruments: InstrumentTable, params: PortfolioParams, a: number): MarketAddOns | null {
  if (!params.diversification && !params.concentration) return null
  const { accounts, prices } = book
  const S = prices.S
  const W = prices.stride
  const holdings: AddOnHolding[] = []
  for (let p = accounts.positionStart[a]!; p < accounts.positionStart[a + 1]!; p++) {
    const r = accounts.positionInstrument[p]!
    const instrument = instruments.instruments[r]
    const deltaUsdPerUnit = instrument ? book.ctx.instrument(instrument).valuation.greeks.deltaUsd : book.assetPrice[instruments.collateralAsset[r]!]!
    holdings.push({ qty: accounts.positionQty[p]!, row: prices.matrix.subarray(r * W, r * W + S), underlyingIndex: prices.underlyingOf[r]!, deltaUsdPerUnit })
  }
  const min = book.results.minPnlUsd[a]!
  return marketAddOns(min < 0 ? -min : 0, holdings, book.ctx.set, params)
}
