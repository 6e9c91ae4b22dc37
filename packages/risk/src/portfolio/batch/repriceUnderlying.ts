import type { MarketContext } from '../market/marketContext.js'
import type { AssetTable } from './assetTable.js'
import type { BatchBook } from './createBatchEngine.js'
import type { InstrumentTable } from './instrumentTable.js'
import { nakedRates, repriceRow } from './priceTable.js'

/**
 * The pricing half of a tick on underlying `u`: sets the given collateral asset prices (USD, by asset row), keeps the
 * rows of `u` as they were in `book.previous` (for `recheckAccounts`), reprices them at `ctx` (collateral rows of `u`
 * at the new asset prices) and updates the naked-short rates and the book's market. The matrix is written in place,
 * so a shared matrix stays shared.
 */
export function repriceUnderlying(
  book: BatchBook,
  instruments: InstrumentTable,
  assets: AssetTable,
  ctx: MarketContext,
  u: number,
  assetPrices?: ReadonlyMap<number, number>,
): void {
  for (const [row, price] of assetPrices ?? []) book.assetPrice[row] = price
  const rows = book.prices.underlyingOf
  const W = book.prices.stride
  for (let r = 0; r < rows.length; r++) {
    if (rows[r] !== u) continue
    book.previous.set(book.prices.matrix.subarray(r * W, (r + 1) * W), r * W)
    repriceRow(book.prices, instruments, ctx, r, { price: book.assetPrice, follows: assets.follows })
  }
  book.prices.nakedRateByUnderlying = nakedRates(ctx)
  book.market = ctx.market
  book.ctx = ctx
}
