import { readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { readCrashWindowRows } from './crashWindowCsv.js'

/** Hourly closes of several symbols over one crash window, aligned on common timestamps. */
export type PriceWindow = {
  /** file name without extension, e.g. `2022-11_ftx` */
  name: string
  /** candle open times, unix ms, ascending */
  times: number[]
  /** close in USD per symbol, index-aligned with `times` */
  closes: Record<string, number[]>
  /** the series each symbol came from, e.g. `1h binance_usdm_perp (pixelalpha)` */
  sources: Record<string, string>
}

/** Series preference: perpetual marks first (what a venue marks positions at), then spot, finest interval first. */
const PREFERENCE = [
  ['1h', 'binance_usdm_perp'],
  ['1h', 'binance_spot'],
  ['2h', 'binance_spot'],
  ['4h', 'binance_spot'],
] as const

/** The crash-window CSV files in `dir` (long format, see shared/data/SOURCES.md), sorted by name. */
export function listCrashWindows(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => join(dir, f))
}

/**
 * Reads one crash window (`timestamp_utc_open,symbol,venue,interval,open,high,low,close,volume_base,source_set`)
 * and keeps, per requested symbol, one consistent series: the first of {@link PREFERENCE} present, and of that the
 * first source set listed. Timestamps missing from any symbol are dropped, so every index is one instant.
 * @throws Error when a requested symbol has no usable series, naming the file and symbol.
 */
export function loadCrashWindow(path: string, symbols: readonly string[]): PriceWindow {
  type Row = { t: number; close: number; source: string }
  const series = new Map<string, Row[]>()
  for (const r of readCrashWindowRows(path)) {
    const key = `${r.symbol}|${r.interval}|${r.venue}`
    const close = Number(r.close)
    const t = Date.parse(r.timestamp_utc_open)
    if (!Number.isFinite(close) || !Number.isFinite(t)) continue
    const rows = series.get(key) ?? []
    if (rows.length === 0) series.set(key, rows)
    rows.push({ t, close, source: r.source_set })
  }
  const chosen = new Map<string, Map<number, number>>()
  const sources: Record<string, string> = {}
  for (const symbol of symbols) {
    const pick = PREFERENCE.find(([interval, venue]) => series.has(`${symbol}|${interval}|${venue}`))
    if (!pick) throw new Error(`${path}: no usable ${symbol} series (looked for ${PREFERENCE.map((p) => p.join(' ')).join(', ')})`)
    const rows = series.get(`${symbol}|${pick[0]}|${pick[1]}`)!
    const firstSource = rows[0]!.source
    const byTime = new Map<number, number>()
    for (const r of rows) if (r.source === firstSource && !byTime.has(r.t)) byTime.set(r.t, r.close)
    chosen.set(symbol, byTime)
    sources[symbol] = `${pick[0]} ${pick[1]} (${firstSource})`
  }
  const times = [...(chosen.get(symbols[0]!)?.keys() ?? [])].filter((t) => symbols.every((s) => chosen.get(s)!.has(t))).sort((a, b) => a - b)
  const closes: Record<string, number[]> = {}
  for (const s of symbols) closes[s] = times.map((t) => chosen.get(s)!.get(t)!)
  return { name: basename(path).replace(/\.csv$/, ''), times, closes, sources }
}
