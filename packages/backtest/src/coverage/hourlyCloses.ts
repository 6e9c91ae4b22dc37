import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'

/** Hourly closes of one symbol, ascending by time. */
export type HourlySeries = {
  symbol: string
  /** candle open times, unix ms, strictly increasing */
  times: number[]
  /** close prices, USD, > 0, index-aligned with `times` */
  closes: number[]
}

/**
 * Reads `<dir>/<SYMBOL>USDT_1h.csv` (`Date,Open,High,Low,Close,Volume`, the hourly perpetual candles of
 * shared/data/prices/perp_1h, see shared/data/SOURCES.md) with csv-parse. Rows with a missing or non-positive close
 * and repeated timestamps are dropped; gaps are kept as gaps (the estimators take irregular spacing).
 * @param dir folder of the CSVs
 * @param symbol underlying, e.g. `BTC`
 * @throws Error when the file cannot be read or has no `Date`/`Close` column, naming the file
 */
export function loadHourlyCloses(dir: string, symbol: string): HourlySeries {
  const path = join(dir, `${symbol}USDT_1h.csv`)
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[]
  if (rows.length > 0 && (!('Date' in rows[0]!) || !('Close' in rows[0]!))) throw new Error(`${path}: needs columns Date and Close`)
  const pairs: [number, number][] = []
  for (const row of rows) {
    const t = Date.parse((row.Date ?? '').replace(' ', 'T'))
    const close = Number(row.Close)
    if (Number.isFinite(t) && Number.isFinite(close) && close > 0) pairs.push([t, close])
  }
  pairs.sort((a, b) => a[0] - b[0])
  const times: number[] = []
  const closes: number[] = []
  for (const [t, c] of pairs) {
    if (times.length > 0 && times[times.length - 1] === t) continue
    times.push(t)
    closes.push(c)
  }
  return { symbol, times, closes }
}
