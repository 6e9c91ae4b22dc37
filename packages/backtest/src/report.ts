import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MarginMode } from '@unimargin/risk'
import { renderStressChart } from './chart.js'
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
}

export type StressReport = { runs: StressRun[]; charts: string[] }

/**
 * Replays every sample book through every crash window under every mode (the library form of `unimargin stress`),
 * and when `outDir` is given writes one SVG chart per window and the runs as JSON.
 * @throws Error when the windows folder or a needed symbol series is missing.
 */
export async function runStressSuite(parameters: StressSuiteParameters): Promise<StressReport> {
  const modes = parameters.modes ?? ['portfolio', 'tiered', 'isolated']
  const portfolios = parameters.portfolios ?? SAMPLE_PORTFOLIOS
  const files = listCrashWindows(parameters.windowsDir).filter((f) => !parameters.windows || parameters.windows.some((w) => f.includes(w)))
  const runs: StressRun[] = []
  const charts: string[] = []
  if (parameters.outDir) mkdirSync(parameters.outDir, { recursive: true })
  for (const file of files) {
    const window = loadCrashWindow(file, ['ETH', 'BTC'])
    const windowRuns = portfolios.flatMap((p) => modes.map((m) => replay(window, p, m, parameters.options)))
    runs.push(...windowRuns)
    if (parameters.outDir) {
      const path = join(parameters.outDir, `stress-${window.name}.svg`)
      writeFileSync(path, await renderStressChart(window.name, windowRuns))
      charts.push(path)
    }
  }
  if (parameters.outDir)
    writeFileSync(join(parameters.outDir, 'stress.json'), JSON.stringify(runs.map(({ points: _, ...r }) => r), null, 2))
  return { runs, charts }
}

/** Table rows of a report: window, book, mode and the figures a risk reviewer asks for first. */
export function stressTableRows(runs: StressRun[]): string[][] {
  const usd = (v: number) => `$${Math.round(v).toLocaleString('en-US')}`
  const when = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(5, 16).replace('T', ' '))
  return runs.map((r) => [
    r.window,
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

export const STRESS_TABLE_HEAD = ['window', 'book', 'mode', 'capital required', 'first margin call', 'liquidations', 'first liquidation', 'seized', 'shortfall', 'min health']
