import { collateralRow } from '../collateral/collateralHoldings.js'
import { MissingMarketDataError } from '../errors.js'
import type { MarketContext } from '../market/marketContext.js'
import type { InstrumentTable } from './instrumentTable.js'

/**
 * Everything the account kernel reads about instruments at one market. `matrix` holds one row of `stride = S + 3`
 * numbers per instrument: the counted P&L per unit long in each of the S scenarios, then the value per unit (equity),
 * the contingency per unit of |qty|, and max_s |P&L per unit| (a scale for rounding bounds); a final row of zeros pads
 * short books. Row i starts at `i * stride`.
 */
export type BatchPrices = {
  S: number
  /** numbers per matrix row: S scenarios + value + contingency + max |P&L| */
  stride: number
  names: readonly string[]
  matrix: Float64Array
  /** naked short charge per net short option unit, by underlying index, USD (grid rate × spot) */
  nakedRateByUnderlying: Float64Array
  /** strike group per row, −1 for non-options (and the zero row) */
  strikeGroup: Int32Array
  /** index of each row's underlying in `underlyings` */
  underlyingOf: Uint16Array
  underlyings: readonly string[]
  /** number of strike groups (ids 0 .. groupCount − 1) */
  groupCount: number
  /** index of the all-zero row after the instruments' rows (padding for the kernel) */
  zeroRow: number
}

/** What the account kernels read of `BatchPrices` (a worker thread receives only this, the matrix shared). */
export type KernelPrices = Pick<BatchPrices, 'S' | 'stride' | 'matrix' | 'nakedRateByUnderlying' | 'underlyingOf' | 'zeroRow'>

/** Collateral assets as the price table reads them: USD price and followed underlying, by asset-table row. */
export type CollateralAssets = { price: Float64Array; follows: readonly string[] }

/**
 * Prices every row of the table at the context's market (each (instrument, scenario) exactly once). A collateral row
 * holds `collateralRow` at its asset's price, with value and contingency 0 (its value is in the account's collateral).
 * @param assets asset prices and underlyings, needed when the table has collateral rows
 */
export function priceTable(table: InstrumentTable, ctx: MarketContext, assets?: CollateralAssets): BatchPrices {
  const S = ctx.set.names.length
  const I = table.instruments.length
  const prices: BatchPrices = {
    S,
    stride: S + 3,
    names: ctx.set.names,
    matrix: new Float64Array((I + 1) * (S + 3)),
    nakedRateByUnderlying: nakedRates(ctx),
    strikeGroup: Int32Array.from([...table.strikeGroup, -1]),
    underlyingOf: new Uint16Array(I),
    underlyings: ctx.set.underlyings,
    zeroRow: I,
    groupCount: table.strikeGroup.reduce((m, g) => (g > m ? g : m), -1) + 1,
  }
  for (let i = 0; i < I; i++) repriceRow(prices, table, ctx, i, assets)
  return prices
}

/**
 * Reprices one row in place (after a tick on its underlying, or a new price of its collateral asset).
 * @throws {MissingMarketDataError} when a collateral row's underlying has no quote
 */
export function repriceRow(prices: BatchPrices, table: InstrumentTable, ctx: MarketContext, i: number, assets?: CollateralAssets): void {
  const instrument = table.instruments[i]
  let row: Float64Array
  let value = 0
  let contingency = 0
  let u: number
  if (instrument) {
    const risk = ctx.instrument(instrument)
    row = risk.row
    value = risk.valuation.value
    contingency = risk.contingencyPerUnit
    u = risk.underlyingIndex
  } else {
    const asset = table.collateralAsset[i]!
    if (!assets) throw new RangeError(`Batch: collateral row ${i} needs asset prices.`)
    const follows = assets.follows[asset]!
    const found = ctx.underlyingIndex.get(follows)
    if (found === undefined) throw new MissingMarketDataError(follows, 'price')
    u = found
    row = collateralRow(assets.price[asset]!, ctx.set, u)
  }
  const at = i * prices.stride
  prices.matrix.set(row, at)
  prices.matrix[at + prices.S] = value
  prices.matrix[at + prices.S + 1] = contingency
  let scale = 0
  for (const x of row) scale = Math.max(scale, Math.abs(x))
  prices.matrix[at + prices.S + 2] = scale
  prices.underlyingOf[i] = u
}

/** Naked-short charge per net short option unit for each underlying of the context: grid rate × spot, USD. */
export function nakedRates(ctx: MarketContext): Float64Array {
  const rate = ctx.set.grid.contingencies.nakedShortOptionPerStrike
  return Float64Array.from(ctx.set.underlyings, (u) => rate * (Number(ctx.market.underlyings[u]!.spotUsd8) / 1e8))
}
