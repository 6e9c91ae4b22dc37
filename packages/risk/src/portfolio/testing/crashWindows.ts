import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * Test data: hourly candles of the real crash windows in `../shared/data/prices/crash_windows` (see
 * shared/data/SOURCES.md), one consistent series per symbol: Binance USDT-M perpetuals, 1h. Not public API.
 */
export const CRASH_WINDOWS_DIR = fileURLToPath(new URL('../../../../../../shared/data/prices/crash_windows/', import.meta.url))

export type Candle = { t: number; open: number; high: number; low: number; close: number }
export type CrashWindow = { name: string; series: Record<string, Candle[]> }

/**
 * Loads every crash window with the BTC and ETH `binance_usdm_perp` 1h series, candles sorted by time and aligned.
 * @returns the windows, or undefined when `../shared` is absent outside CI (callers skip with a message)
 * @throws {Error} when the directory is absent and `process.env.CI` is truthy (not 'false'/'0')
 */
export function loadCrashWindows(symbols: readonly string[] = ['BTC', 'ETH']): CrashWindow[] | undefined {
  if (!existsSync(CRASH_WINDOWS_DIR)) {
    const ci = process.env.CI
    if (ci && ci !== 'false' && ci !== '0') throw new Error(`${CRASH_WINDOWS_DIR} is missing; CI must check out shared/ beside the repository`)
    console.warn(`Skipping crash-window tests: ${CRASH_WINDOWS_DIR} not found (shared/ is not beside the checkout)`)
    return undefined
  }
  return readdirSync(CRASH_WINDOWS_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((file) => {
      const lines = readFileSync(`${CRASH_WINDOWS_DIR}${file}`, 'utf8').trim().split('\n')
      const header = lines[0]!.split(',')
      const col = (name: string) => header.indexOf(name)
      const [ts, sym, venue, interval, o, h, l, c] = ['timestamp_utc_open', 'symbol', 'venue', 'interval', 'open', 'high', 'low', 'close'].map(col)
      const series: Record<string, Candle[]> = {}
      for (const line of lines.slice(1)) {
        const f = line.split(',')
        if (f[venue!] !== 'binance_usdm_perp' || f[interval!] !== '1h' || !symbols.includes(f[sym!]!)) continue
        const list = series[f[sym!]!] ?? []
        series[f[sym!]!] = list
        list.push({ t: Date.parse(f[ts!]!), open: Number(f[o!]), high: Number(f[h!]), low: Number(f[l!]), close: Number(f[c!]) })
      }
      for (const s of Object.values(series)) s.sort((a, b) => a.t - b.t)
      const times = symbols.map((s) => new Set((series[s] ?? []).map((x) => x.t)))
      for (const s of symbols) series[s] = (series[s] ?? []).filter((x) => times.every((set) => set.has(x.t)))
      return { name: file.replace(/\.csv$/, ''), series }
    })
}
