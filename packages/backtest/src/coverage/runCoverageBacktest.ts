import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_VOLATILITY_SCALING_BOUNDS, defaultScenarioGrid, normCdf, parseScenarioGrid, type VolatilityScalingBounds } from '@unimargin/risk'
import { COVERAGE_BOOKS, type CoverageBook, grossNotionalUsd } from './books.js'
import { renderCoverageChart } from './coverageChart.js'
import { COVERAGE_MODELS, type CoverageSeries, evaluateCoverage } from './evaluateCoverage.js'
import { loadHourlyCloses } from './hourlyCloses.js'
import { type CoverageStats, poolStats, summarizeSeries } from './summarize.js'

/** Options of {@link runCoverageBacktest}; everything but `dataDir` has a default so CI can run a reduced version. */
export type CoverageBacktestParameters = {
  /** progress of the evaluation: hours evaluated (`done`) of `total` (see `evaluateCoverage`) */
  onHour?: (progress: { done: number; total: number }) => void
  /** folder of `<SYMBOL>USDT_1h.csv` (e.g. `../shared/data/prices/perp_1h`) */
  dataDir: string
  /** symbols loaded (the market at each hour); default BTC, ETH, SOL, LINK, AVAX */
  symbols?: readonly string[]
  /** names of books to run (default all of `COVERAGE_BOOKS` whose legs are all among `symbols`) */
  books?: readonly string[]
  /** hours between evaluations; default 1 (every hour) */
  strideHours?: number
  /** loss horizon, hours; default the grid's (4). The static maxMoves stay sized for the grid's own horizon */
  horizonHours?: number
  /**
   * realised-vol estimator: `ewma` (default: on 2020-2024 it passes both tests on every book, see the README) or
   * `garch` (EWMA until the first fit)
   */
  method?: 'ewma' | 'garch'
  /** EWMA λ per hour; default 0.94^(1/24) */
  lambda?: number
  /** GARCH refit interval and window, hours; defaults 720 and 8760 */
  refitHours?: number
  garchWindow?: number
  /** bounds of the vol ratio; default {@link DEFAULT_VOLATILITY_SCALING_BOUNDS} */
  bounds?: VolatilityScalingBounds
  /** σ multiple of the vol model: number or `filtered` (default) */
  coverage?: number | 'filtered'
  /** one-sided confidence of a book's loss; default Φ(sigmaCoverage) ≈ 0.9995 */
  confidence?: number
  /** evaluate only [from, to), unix ms */
  fromMs?: number
  toMs?: number
  /** when set, write `coverage.json` and `coverage.svg` there */
  outDir?: string
}

/** One exceedance, for the JSON. */
export type CoverageExceedance = { book: string; model: string; t: string; requirementUsd: number; lossUsd: number; tested: boolean }

/** What a run returns and writes. */
export type CoverageReport = {
  parameters: Omit<CoverageBacktestParameters, 'outDir'> & { horizonHours: number; confidence: number; strideHours: number }
  /** per book and model, static first, then `all books` per model */
  stats: CoverageStats[]
  exceedances: CoverageExceedance[]
  /** the full series (not written to JSON) */
  series: CoverageSeries[]
  /** files written */
  files: string[]
}

/**
 * The coverage backtest: for every evaluated hour and book, MM under the static grid and the volatility-driven grid
 * (no look-ahead) against the loss realised over the horizon; exceedance rates against the models' confidence with
 * Kupiec's POF and Christoffersen's independence tests on the non-overlapping sample, and average capital.
 * @throws Error when a CSV is missing, a book name is unknown or no book is left
 */
export async function runCoverageBacktest(p: CoverageBacktestParameters): Promise<CoverageReport> {
  const symbols = p.symbols ?? ['BTC', 'ETH', 'SOL', 'LINK', 'AVAX']
  const base = defaultScenarioGrid()
  const horizonHours = p.horizonHours ?? base.horizonSeconds / 3600
  const grid = horizonHours * 3600 === base.horizonSeconds ? base : parseScenarioGrid({ ...structuredClone(base), horizonSeconds: horizonHours * 3600 })
  const books = selectBooks(p.books, symbols)
  const strideHours = p.strideHours ?? 1
  const confidence = p.confidence ?? normCdf(grid.sigmaCoverage)
  const series = symbols.map((s) => loadHourlyCloses(p.dataDir, s))
  const runs = evaluateCoverage({
    series,
    books,
    grid,
    strideHours,
    volatility: { method: p.method ?? 'ewma', lambda: p.lambda, refitHours: p.refitHours, garchWindow: p.garchWindow },
    bounds: p.bounds ?? DEFAULT_VOLATILITY_SCALING_BOUNDS,
    coverage: p.coverage,
    confidence,
    fromMs: p.fromMs,
    toMs: p.toMs,
    onHour: p.onHour,
  })
  const notional = new Map(books.map((b) => [b.name, grossNotionalUsd(b)]))
  const expected = 1 - confidence
  const perBook = runs.map((s) => summarizeSeries(s, notional.get(s.book)!, expected))
  const stats = [...perBook, ...COVERAGE_MODELS.map((m) => poolStats(m, perBook, runs, notional, expected))]
  const exceedances = runs.flatMap((s) =>
    s.times.flatMap((t, i) =>
      s.exceeded[i] ? [{ book: s.book, model: s.model, t: new Date(t).toISOString(), requirementUsd: s.requirementUsd[i]!, lossUsd: s.lossUsd[i]!, tested: s.tested[i]! }] : [],
    ),
  )
  const { outDir, onHour: _, ...rest } = p
  const report: CoverageReport = { parameters: { ...rest, method: p.method ?? 'ewma', symbols, horizonHours, confidence, strideHours }, stats, exceedances, series: runs, files: [] }
  if (outDir) {
    mkdirSync(outDir, { recursive: true })
    const svg = join(outDir, 'coverage.svg')
    const subtitle = `MM per week (lines), largest ${horizonHours} h loss per week (grey), exceedances (dots); stride ${strideHours} h, confidence ${(100 * confidence).toFixed(2)}%`
    writeFileSync(svg, await renderCoverageChart(runs, notional, subtitle))
    const json = join(outDir, 'coverage.json')
    writeFileSync(json, JSON.stringify({ parameters: report.parameters, stats, exceedances }, null, 2))
    report.files.push(json, svg)
  }
  return report
}

function selectBooks(names: readonly string[] | undefined, symbols: readonly string[]): CoverageBook[] {
  const known = new Map(COVERAGE_BOOKS.map((b) => [b.name, b]))
  const chosen = names
    ? names.map((n) => {
        const b = known.get(n)
        if (!b) throw new Error(`Unknown coverage book "${n}"; known: ${[...known.keys()].join(', ')}`)
        return b
      })
    : COVERAGE_BOOKS.filter((b) => b.legs.every((l) => symbols.includes(l.underlying)))
  for (const b of chosen) {
    const missing = b.legs.find((l) => !symbols.includes(l.underlying))
    if (missing) throw new Error(`Book ${b.name} needs ${missing.underlying}, which is not among the symbols ${symbols.join(', ')}`)
  }
  if (chosen.length === 0) throw new Error(`No coverage book trades only ${symbols.join(', ')}`)
  return chosen
}

/** Header of {@link coverageTableRows}. */
export const COVERAGE_TABLE_HEAD = ['book', 'model', 'tested', 'exceed', 'rate %', 'expected %', 'Kupiec LR (p)', 'Christoffersen LR (p)', 'passes', 'avg capital %']

/** One table row per stats entry, for cli-table3. */
export function coverageTableRows(stats: readonly CoverageStats[]): string[][] {
  const lrp = (t: { lr: number; pValue: number }) => `${t.lr.toFixed(2)} (${t.pValue.toFixed(3)})`
  return stats.map((s) => [
    s.book,
    s.model,
    String(s.tested),
    String(s.testedExceedances),
    (100 * s.exceedanceRate).toFixed(3),
    (100 * s.expectedRate).toFixed(3),
    lrp(s.kupiec),
    lrp(s.christoffersen),
    s.passes ? 'yes' : 'no',
    (100 * s.averageCapital).toFixed(2),
  ])
}
