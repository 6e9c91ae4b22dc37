import { instrumentKey } from '../instruments/instrumentKey.js'
import type { Instrument } from '../types.js'

/** The instruments a batch knows, each with a row index; options also carry a strike-group index. */
export type InstrumentTable = {
  readonly instruments: readonly Instrument[]
  /** strike group per row (options: `underlying|expiry|strike`), −1 for perps and futures */
  readonly strikeGroup: readonly number[]
  /** row of the instrument, added if new */
  add(instrument: Instrument): number
  /** row of the instrument, or undefined */
  find(instrument: Instrument): number | undefined
}

/** An empty (or pre-filled) instrument table. */
export function createInstrumentTable(instruments: readonly Instrument[] = []): InstrumentTable {
  const list: Instrument[] = []
  const groups: number[] = []
  const rows = new Map<string, number>()
  const groupIds = new Map<string, number>()
  const table: InstrumentTable = {
    instruments: list,
    strikeGroup: groups,
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
      }
      return row
    },
    find: (instrument) => rows.get(instrumentKey(instrument)),
  }
  for (const i of instruments) table.add(i)
  return table
}
