import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MarginMode } from '@unimargin/risk'
import { type CapitalRow, capitalTable } from './capitalTable.js'
import { type CascadeResult, runCascade } from './cascade.js'
import { renderStressChart } from './chart.js'
import type { ImpactParameters } from './impact.js'
import { windowLiquidity } from './liquidity.js'
import { type PopulationParameters, samplePopulation } from './population.js'
import { SAMPLE_PORTFOLIOS, type SamplePortfolio } from './portfolios.js'
import { type ReplayOptions, replay, type StressRun } from './replay.js'
import { listCrashWindows, loadCrashWindow } from './windows.js'

export type StressSuiteParameters = {
  /** folder of crash-window CSVs (e.g. `../shared/data/prices/crash_windows`) */
  windowsDir: string
  /** restrict to windows whose file name contains one of these (default: all) */
  windows?: string[]
  modes?: MarginMode[]
  portfolios?: SamplePortfolio[]
  /** where to write `stress-<window>.svg` and `stress.json` (default: nothing written) */
  outDir?: string
  options?: ReplayOptions
  /**
   * cascades: replay a seeded population with and without price impact of the liquidations (`runCascade`) per
   * window and mode; omitted = no cascades
   */
  cascade?: {
    population?: PopulationParameters
    impact?: ImpactParameters
    modes?: MarginMode[]
  }
  /** called after each window is replayed (charts written): windows done, of `total`, and the window's name */
  onWindow?: (progress: { done: number; total: number; window: string }) => void
}

export type StressReport = {
  runs: StressRun[]
  /** capital required per window × book × mode, with its ratio to isolated mode's */
  capital: CapitalRow[]
  /** data caveats of the windows replayed (spot standing in for perpetual marks) */
  warnings: string[]
  /** with `cascade`: one result per window × mode × feedback (off, on) */
  cascades: CascadeResult[]
  charts: string[]
}

/**
 * Replays every sample book through every crash window under every mode (the library form of `unimargin stress`),
 * builds the capital table and the windows' data warnings, runs the cascades when asked, and when `outDir` is given
 * writes one SVG chart per window and `stress.json` ({ warnings, capital, runs without points, cascades }).
 * @throws Error when the windows folder or a needed symbol series is missing.
 */
export async function runStressSuite(parameters: StressSuiteParameters): Promise<StressReport> {
  const modes = parameters.modes ?? ['portfolio', 'tiered', 'isolated']
  const portfolios = parameters.portfolios ?? SAMPLE_PORTFOLIOS
  const files = listCrashWindows(parameters.windowsDir).filter(
    (f) => !parameters.windows || parameters.windows.some((w) => f.includes(w)),
  )
  const runs: StressRun[] = []
  const cascades: CascadeResult[] = []
  const warnings: string[] = []
  const charts: string[] = []
  if (parameters.outDir) mkdirSync(parameters.outDir, { recursive: true })
  const population = parameters.cascade ? samplePopulation(parameters.cascade.population) : []
  for (const file of files) {
    const window = loadCrashWindow(file, ['ETH', 'BTC'])
    const windowRuns = portfolios.flatMap((p) => modes.map((m) => replay(window, p, m, parameters.options)))
    runs.push(...windowRuns)
    warnings.push(...(windowRuns[0]?.warnings ?? []))
    if (parameters.cascade) {
      const liquidity = windowLiquidity(file, window)
      for (const mode of parameters.cascade.modes ?? modes)
        for (const feedback of [false, true])
          cascades.push(
            runCascade({
              window,
              liquidity,
              population,
              mode,
              feedback,
              impact: parameters.cascade.impact,
              options: parameters.options,
            }),
          )
    }
    if (parameters.outDir) {
      const path = join(parameters.outDir, `stress-${window.name}.svg`)
      writeFileSync(path, await renderStressChart(window.name, windowRuns))
      charts.push(path)
    }
    parameters.onWindow?.({ done: files.indexOf(file) + 1, total: files.length, window: window.name })
  }
  const capital = capitalTable(runs)
  if (parameters.outDir) {
    const json = {
      warnings,
      capital,
      runs: runs.map(({ points: _, ...r }) => r),
      cascades: cascades.map(({ path: _, ...c }) => c),
    }
    writeFileSync(join(parameters.outDir, 'stress.json'), JSON.stringify(json, null, 2))
  }
  return { runs, capital, warnings, cascades, charts }
}

/** Table rows of a report: window, book, mode and the figures a risk reviewer asks for first. */
export function stressTableRows(runs: readonly StressRun[]): string[][] {
  const usd = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`
  const when = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(5, 16).replace('T', ' '))
  return runs.map((r) => [
    r.warnings.length > 0 ? `${r.window} ⚠` : r.window,
    r.portfolio,
    r.mode,
    usd(r.capitalRequiredUsd),
    when(r.firstMarginCallAt),
    String(r.liquidations.length),
    when(r.liquidations[0]?.t ?? null),
    usd(r.seizedUsd),
    usd(r.shortfallUsd),
    r.minHealth === null ? '∞' : r.minHealth.toFixed(2),
  ])
}

/** ⚠ after a window's name: spot prices stand in for its perpetual marks (see the report's warnings). */
export const STRESS_TABLE_HEAD = [
  'window',
  'book',
  'mode',
  'capital required',
  'first margin call',
  'liquidations',
  'first liquidation',
  'seized',
  'shortfall (bad debt)',
  'min health',
]

/** Head of {@link cascadeTableRows}. */
export const CASCADE_TABLE_HEAD = [
  'window',
  'mode',
  'price impact',
  'accounts',
  'liquidated',
  'liquidations',
  'bad debt',
  'ETH max / final dev.',
  'BTC max / final dev.',
]

/** Table rows of cascade results: one per window × mode × feedback. */
export function cascadeTableRows(results: readonly CascadeResult[]): string[][] {
  const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(2)}%`
  return results.map((c) => [
    c.window,
    c.mode,
    c.feedback ? 'on' : 'off',
    String(c.accounts),
    String(c.accountsLiquidated),
    String(c.liquidations),
    `$${Math.round(c.badDebtUsd).toLocaleString('en-US')}`,
    `${pct(c.maxDeviation.ETH)} / ${pct(c.finalDeviation.ETH)}`,
    `${pct(c.maxDeviation.BTC)} / ${pct(c.finalDeviation.BTC)}`,
  ])
}
