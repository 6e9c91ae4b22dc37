import { instrumentKey } from '../instruments/instrumentKey.js'
import type { Instrument } from '../types.js'

/**
 * The rows a batch prices: instruments, each with a row index (options also carry a strike-group index), and
 * risk-cancelling collateral assets, which hold a delta-one row of their underlying (`collateralRow`) so the kernel
 * sums them like positions.
 */
export type InstrumentTable = {
  /** instrument of each row; null on a collateral row */
  readonly instruments: readonly (Instrument | null)[]
  /** strike group per row (options: `underlying|expiry|strike`), −1 for perps, futures and collateral */
  readonly strikeGroup: readonly number[]
  /** asset-table row of each collateral row, −1 on instrument rows */
  readonly collateralAsset: readonly number[]
  /** row of the instrument, added if new */
  add(instrument: Instrument): number
  /** row of a risk-cancelling collateral asset (its asset-table row), added if new */
  addCollateral(assetRow: number): number
  /** row of the instrument, or undefined */
  find(instrument: Instrument): number | undefined
}

/** An empty (or pre-filled) instrument table. */
export function createInstrumentTable(instruments: readonly Instrument[] = []): InstrumentTable {
  const list: (Instrument | null)[] = []
  const groups: number[] = []
  const assets: number[] = []
  const rows = new Map<string, number>()
  const groupIds = new Map<string, number>()
  const table: InstrumentTable = {
    instruments: list,
    strikeGroup: groups,
    collateralAsset: assets,
    add(instrument) {
      const key = instrumentKey(instrument)
      let row = rows.get(key)
      if (row === undefined) {
        row = list.length
        list.push(instrument)
        rows.set(key, row)
        let group = -1
        if (instrument.kind === 'option') {
          const g = `${instrument.underlying}|${instrument.expiryMs}|${instrument.strikeUsd8}`
          group = groupIds.get(g) ?? groupIds.size
          groupIds.set(g, group)
        }
        groups.push(group)
        assets.push(-1)
      }
      return row
    },
    addCollateral(assetRow) {
      const key = `collateral:${assetRow}`
      let row = rows.get(key)
      if (row === undefined) {
        row = list.length
        list.push(null)
        groups.push(-1)
        assets.push(assetRow)
        rows.set(key, row)
      }
      return row
    },
    find: (instrument) => rows.get(instrumentKey(instrument)),
  }
  for (const i of instruments) table.add(i)
  return table
}
