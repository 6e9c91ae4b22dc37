import type { MarginMode } from '@unimargin/risk'
import type { StressRun } from './replay.js'

/** Capital required by one book under one mode in one window, beside isolated mode's. */
export type CapitalRow = {
  window: string
  portfolio: string
  mode: MarginMode
  /** smallest USDC deposit that opens the book (`capitalRequired`), USD */
  capitalRequiredUsd: number
  /** capitalRequiredUsd / isolated mode's; null when isolated was not run or needs nothing */
  ratioToIsolated: number | null
}

/** The capital table (window × book × mode) of a set of runs, in run order. */
export function capitalTable(runs: readonly StressRun[]): CapitalRow[] {
  const isolated = new Map(
    runs.filter((r) => r.mode === 'isolated').map((r) => [`${r.window}|${r.portfolio}`, r.capitalRequiredUsd]),
  )
  return runs.map((r) => {
    const base = isolated.get(`${r.window}|${r.portfolio}`)
    return {
      window: r.window,
      portfolio: r.portfolio,
      mode: r.mode,
      capitalRequiredUsd: r.capitalRequiredUsd,
      ratioToIsolated: base === undefined || base <= 0 ? null : r.capitalRequiredUsd / base,
    }
  })
}

/** Head of {@link capitalTableRows} for `modes`. */
export function capitalTableHead(modes: readonly MarginMode[]): string[] {
  return ['window', 'book', ...modes.map((m) => (m === 'isolated' ? 'isolated' : `${m} (× isolated)`))]
}

/** One printable row per (window, book): each mode's capital required in USD and its ratio to isolated mode's. */
export function capitalTableRows(rows: readonly CapitalRow[], modes: readonly MarginMode[]): string[][] {
  const usd = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`
  const keys = [...new Set(rows.map((r) => `${r.window}|${r.portfolio}`))]
  return keys.map((key) => {
    const [window, portfolio] = key.split('|') as [string, string]
    return [
      window,
      portfolio,
      ...modes.map((m) => {
        const row = rows.find((r) => r.window === window && r.portfolio === portfolio && r.mode === m)
        if (!row) return '-'
        return m === 'isolated' || row.ratioToIsolated === null
          ? usd(row.capitalRequiredUsd)
          : `${usd(row.capitalRequiredUsd)} (${row.ratioToIsolated.toFixed(2)})`
      }),
    ]
  })
}
