import type { MarketContext } from '../market/marketContext.js'
import type { InstrumentTable } from './instrumentTable.js'

/**
 * Everything the account kernel reads about instruments at one market: the instrument × scenario matrix of counted
 * P&L per unit (row-major, `matrix[i * S + s]`, plus a final row of zeros), the value per unit (equity) and the contingency rates.
 */
export type BatchPrices = {
  S: number
  names: readonly string[]
  matrix: Float64Array
  /** value per unit, USD (0 on the zero row) */
  value: Float64Array
  /** contingency per unit of |qty|, USD */
  contingency: Float64Array
  /** naked short charge per net short unit of the strike group, USD (0 for non-options) */
  nakedRate: Float64Array
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

/** Prices every instrument of the table at the context's market (each (instrument, scenario) exactly once). */
export function priceTable(table: InstrumentTable, ctx: MarketContext): BatchPrices {
  const S = ctx.set.names.length
  const I = table.instruments.length
  const prices: BatchPrices = {
    S,
    names: ctx.set.names,
    matrix: new Float64Array((I + 1) * S),
    value: new Float64Array(I + 1),
    contingency: new Float64Array(I + 1),
    nakedRate: new Float64Array(I + 1),
    strikeGroup: Int32Array.from([...table.strikeGroup, -1]),
    underlyingOf: new Uint16Array(I),
    underlyings: ctx.set.underlyings,
    zeroRow: I,
    groupCount: table.strikeGroup.reduce((m, g) => (g > m ? g : m), -1) + 1,
  }
  for (let i = 0; i < I; i++) repriceRow(prices, table, ctx, i)
  return prices
}

/** Reprices one row in place (after a tick on its underlying). */
export function repriceRow(prices: BatchPrices, table: InstrumentTable, ctx: MarketContext, i: number): void {
  const risk = ctx.instrument(table.instruments[i]!)
  prices.matrix.set(risk.row, i * prices.S)
  prices.value[i] = risk.valuation.value
  prices.contingency[i] = risk.contingencyPerUnit
  prices.nakedRate[i] = risk.nakedShortPerUnit
  prices.underlyingOf[i] = risk.underlyingIndex
}
