import {
  createPortfolioEngine,
  normCdf,
  DEFAULT_PORTFOLIO_PARAMS,
  defaultScenarioGrid,
  type MarketState,
  type PortfolioEngine,
  type ScenarioGrid,
  type VolatilityScalingBounds,
  volatilityDrivenGrid,
} from '@unimargin/risk'
import { bookAccount, bookUnits, type CoverageBook } from './books.js'
import { filteredCoverageTracker } from './coverageTracker.js'
import type { HourlySeries } from './hourlyCloses.js'
import { type VolatilityPath, type VolatilityPathOptions, volatilityPath } from './volatilityPath.js'

/** The two margin models compared: the static default grid, and the grid scaled by realised vol at each hour. */
export type CoverageModel = 'static' | 'volatility'
export const COVERAGE_MODELS: readonly CoverageModel[] = ['static', 'volatility']

/** Requirement against realised loss of one book under one model, per evaluated hour. */
export type CoverageSeries = {
  book: string
  model: CoverageModel
  /** evaluated times, unix ms */
  times: number[]
  /** MM at t, USD (from usd8) */
  requirementUsd: number[]
  /** loss of the book from t to t + horizon at the next prices, USD (− = gain); funding not counted */
  lossUsd: number[]
  /** loss > requirement */
  exceeded: boolean[]
  /** in the sample of the statistical tests: at least one horizon after the previous such hour (no overlap) */
  tested: boolean[]
}

/** Inputs of {@link evaluateCoverage}. */
export type EvaluateCoverageParameters = {
  /** called after each evaluated hour with the hours evaluated (`done`) of `total` (every stride step in range) */
  onHour?: (progress: { done: number; total: number }) => void
  series: readonly HourlySeries[]
  books: readonly CoverageBook[]
  /** base grid; default `defaultScenarioGrid()` (its `horizonSeconds` is the loss horizon) */
  grid?: ScenarioGrid
  /** hours between evaluated times; default 1 */
  strideHours?: number
  /** the realised-vol estimator of the volatility model */
  volatility?: Omit<VolatilityPathOptions, 'horizonSeconds'>
  /** bounds of the vol ratio; default `DEFAULT_VOLATILITY_SCALING_BOUNDS` */
  bounds?: VolatilityScalingBounds
  /**
   * σ multiple of the volatility model's core move: a number, or `filtered` (default) for the filtered-historical
   * quantile (`filteredCoverage`) at `2·confidence − 1` of the standardised horizon moves of every symbol completed
   * by t, re-read every `refitHours` (default 720 h). Until that pool is large enough (`MIN_FILTERED_SAMPLE`), and
   * for a symbol until its first GARCH fit (when the method is GARCH), the model keeps the static grid: warm-up
   */
  coverage?: number | 'filtered'
  /** one-sided confidence of a book's loss the models claim; default Φ(grid.sigmaCoverage) = 0.9995 */
  confidence?: number
  /** only times in [fromMs, toMs) */
  fromMs?: number
  toMs?: number
}

const HOUR_MS = 3_600_000

/**
 * For every evaluated hour t and book whose legs all have prices at t and at t + horizon,
 * the MM of the book opened at t's prices under each model, from the real portfolio engine, against the loss
 * realised at t + horizon. The volatility model's grid at t uses σ from prices up to t only (`volatilityPath`), so
 * nothing after t enters a requirement. The market at t holds every symbol priced at t.
 * @returns one series per (book, model), books in the order given, static first
 */
export function evaluateCoverage(p: EvaluateCoverageParameters): CoverageSeries[] {
  const grid = p.grid ?? defaultScenarioGrid()
  const horizonMs = grid.horizonSeconds * 1000
  const strideMs = (p.strideHours ?? 1) * HOUR_MS
  const index = new Map(p.series.map((s) => [s.symbol, new Map(s.times.map((t, i) => [t, i]))]))
  const paths = new Map<string, VolatilityPath>(p.series.map((s) => [s.symbol, volatilityPath(s, { ...p.volatility, horizonSeconds: grid.horizonSeconds })]))
  const confidence = p.confidence ?? normCdf(grid.sigmaCoverage)
  const coverage =
    typeof p.coverage === 'number'
      ? { at: () => p.coverage as number }
      : filteredCoverageTracker(p.series, paths, horizonMs, 2 * confidence - 1, (p.volatility?.refitHours ?? 720) * HOUR_MS)
  const warm = (p.volatility?.method ?? 'garch') === 'ewma' ? 'ewma' : 'garch'
  const staticEngine = createPortfolioEngine({ grid })
  const out = new Map<string, CoverageSeries>()
  const lastTested = new Map<string, number>()
  for (const b of p.books) for (const m of COVERAGE_MODELS) out.set(`${b.name}|${m}`, { book: b.name, model: m, times: [], requirementUsd: [], lossUsd: [], exceeded: [], tested: [] })
  const first = Math.min(...p.series.map((s) => s.times[0] ?? Infinity))
  const last = Math.max(...p.series.map((s) => s.times[s.times.length - 1] ?? -Infinity))
  const from = Math.max(first, p.fromMs ?? first)
  const to = Math.min(last - horizonMs + 1, p.toMs ?? Infinity)
  const total = to > from ? Math.ceil((to - from) / strideMs) : 0
  for (let t = from; t < to; t += strideMs) {
    p.onHour?.({ done: Math.round((t - from) / strideMs) + 1, total })
    const prices: Record<string, number> = {}
    const next: Record<string, number> = {}
    const sigma: Record<string, number> = {}
    for (const s of p.series) {
      const i = index.get(s.symbol)!.get(t)
      if (i === undefined) continue
      prices[s.symbol] = s.closes[i]!
      const j = index.get(s.symbol)!.get(t + horizonMs)
      if (j !== undefined) next[s.symbol] = s.closes[j]!
      const path = paths.get(s.symbol)!
      const sg = path.sigmaHorizon[i]!
      if (Number.isFinite(sg) && sg > 0 && path.method[i] === warm) sigma[s.symbol] = sg
    }
    const books = p.books.filter((b) => b.legs.every((l) => l.underlying in next))
    if (books.length === 0) continue
    const market = marketAt(t, prices)
    let volEngine: PortfolioEngine | undefined
    for (const book of books) {
      const account = bookAccount(book, prices)
      const units = bookUnits(book, prices)
      const loss = -book.legs.reduce((s, l, k) => s + units[k]! * (next[l.underlying]! - prices[l.underlying]!), 0)
      const tested = t >= (lastTested.get(book.name) ?? -Infinity) + horizonMs
      if (tested) lastTested.set(book.name, t)
      for (const model of COVERAGE_MODELS) {
        if (model === 'volatility' && !volEngine) {
          const z = coverage.at(t)
          if (z === null) volEngine = staticEngine
          else {
            const scaled = volatilityDrivenGrid({ grid, params: DEFAULT_PORTFOLIO_PARAMS, sigmaHorizon: sigma, bounds: p.bounds, coverage: z })
            volEngine = createPortfolioEngine({ grid: scaled.grid, params: scaled.params })
          }
        }
        const engine = model === 'static' ? staticEngine : volEngine!
        const mm = Number(engine.marginAccount(account, market).mmUsd8) / 1e8
        const s = out.get(`${book.name}|${model}`)!
        s.times.push(t)
        s.requirementUsd.push(mm)
        s.lossUsd.push(loss)
        s.exceeded.push(loss > mm)
        s.tested.push(tested)
      }
    }
  }
  return [...out.values()]
}

/** Every priced symbol at t as a fresh quote (no staleness charge), no options, rate 0. */
function marketAt(nowMs: number, prices: Record<string, number>): MarketState {
  const underlyings: MarketState['underlyings'] = Object.fromEntries(
    Object.entries(prices).map(([u, price]) => [u, { spotUsd8: BigInt(Math.round(price * 1e8)), updatedAtMs: nowMs }]),
  )
  return { nowMs, underlyings, surfaces: {}, rate: 0 }
}
