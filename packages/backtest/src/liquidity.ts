import { readCrashWindowRows } from './crashWindowCsv.js'
import type { PriceWindow } from './windows.js'

/** Daily volatility and volume of one underlying over a window: the inputs of the square-root impact law. */
export type Liquidity = {
  /** standard deviation of daily log returns, from the window's bar returns scaled by sqrt(bars per day) */
  sigmaDaily: number
  /** mean traded volume per day, units of the underlying (the CSV's `volume_base`) */
  volumeDaily: number
}

const DAY_MS = 86_400_000

/**
 * Liquidity of each symbol of a window, from the same series the window's prices came from (`window.sources`, e.g.
 * `1h binance_usdm_perp (pixelalpha)`): σ_daily = sample standard deviation of the bar log returns × sqrt(bars per
 * day), V_daily = mean bar volume × bars per day. Both are the crash window's own figures (a crash's volume and
 * volatility, not a quiet month's), as the impact law is stated in terms of the day's σ and volume.
 * @param path the window's CSV (long format, see shared/data/SOURCES.md)
 * @throws Error when a symbol's series has fewer than two bars or no volume column
 */
export function windowLiquidity(path: string, window: PriceWindow): Record<string, Liquidity> {
  const rows = readCrashWindowRows(path)
  const out: Record<string, Liquidity> = {}
  for (const [symbol, source] of Object.entries(window.sources)) {
    const [, interval, venue, set] = /^(\S+) (\S+) \((.*)\)$/.exec(source) ?? []
    const inWindow = new Set(window.times)
    const volumes = new Map<number, number>()
    for (const r of rows) {
      if (r.symbol !== symbol || r.interval !== interval || r.venue !== venue || r.source_set !== set) continue
      const t = Date.parse(r.timestamp_utc_open)
      const v = Number(r.volume_base)
      if (inWindow.has(t) && Number.isFinite(v) && !volumes.has(t)) volumes.set(t, v)
    }
    const closes = window.closes[symbol]!
    if (closes.length < 2 || volumes.size === 0)
      throw new Error(`${path}: too few ${symbol} bars with volume to measure liquidity`)
    const barsPerDay = DAY_MS / ((window.times.at(-1)! - window.times[0]!) / (window.times.length - 1))
    out[symbol] = {
      sigmaDaily: standardDeviation(logReturns(closes)) * Math.sqrt(barsPerDay),
      volumeDaily: mean([...volumes.values()]) * barsPerDay,
    }
  }
  return out
}

function logReturns(closes: readonly number[]): number[] {
  return closes.slice(1).map((c, i) => Math.log(c / closes[i]!))
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

/** sample standard deviation (n − 1) */
function standardDeviation(xs: readonly number[]): number {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1))
}
