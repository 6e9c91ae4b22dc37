import { christoffersenFromCounts, christoffersenIndependence, type IndependenceTest, type TransitionCounts } from './christoffersen.js'
import type { CoverageModel, CoverageSeries } from './evaluateCoverage.js'
import { kupiecPof, type LikelihoodRatioTest } from './kupiec.js'

/** Test level of both likelihood-ratio tests: a model passes when both p-values are ≥ 5%. */
export const TEST_SIGNIFICANCE = 0.05

/** The statistics of one book under one model (or of all books pooled: `book` = `all books`). */
export type CoverageStats = {
  book: string
  model: CoverageModel
  /** evaluated hours and exceedances among them (overlapping horizons) */
  observations: number
  exceedances: number
  /** hours in the test sample (one horizon apart) and exceedances among them */
  tested: number
  testedExceedances: number
  /** testedExceedances / tested */
  exceedanceRate: number
  /** 1 − confidence */
  expectedRate: number
  kupiec: LikelihoodRatioTest
  christoffersen: IndependenceTest
  /** both p-values ≥ {@link TEST_SIGNIFICANCE} */
  passes: boolean
  /** mean MM, USD */
  meanRequirementUsd: number
  /** mean MM / gross notional */
  averageCapital: number
}

/**
 * Kupiec and Christoffersen on the non-overlapping test sample of one series, with average capital over every
 * evaluated hour.
 * @param grossNotionalUsd Σ |leg notional| of the book
 * @param expectedRate the exceedance probability the model claims
 */
export function summarizeSeries(s: CoverageSeries, grossNotionalUsd: number, expectedRate: number): CoverageStats {
  const hits = s.exceeded.filter((_, i) => s.tested[i])
  const x = hits.filter(Boolean).length
  const kupiec = kupiecPof(Math.max(1, hits.length), x, expectedRate)
  const christoffersen = christoffersenIndependence(hits)
  const meanRequirementUsd = s.requirementUsd.reduce((a, b) => a + b, 0) / Math.max(1, s.requirementUsd.length)
  return {
    book: s.book,
    model: s.model,
    observations: s.times.length,
    exceedances: s.exceeded.filter(Boolean).length,
    tested: hits.length,
    testedExceedances: x,
    exceedanceRate: hits.length > 0 ? x / hits.length : 0,
    expectedRate,
    kupiec,
    christoffersen,
    passes: kupiec.pValue >= TEST_SIGNIFICANCE && christoffersen.pValue >= TEST_SIGNIFICANCE,
    meanRequirementUsd,
    averageCapital: meanRequirementUsd / grossNotionalUsd,
  }
}

/**
 * All books of one model pooled: Kupiec on the summed counts, Christoffersen on the summed transition counts (each
 * book's sequence kept apart, so no transition joins two books), average capital as Σ mean MM / Σ gross notional.
 * Books share underlyings, so the pooled sample is not independent across books; read it beside the per-book rows.
 */
export function poolStats(model: CoverageModel, stats: readonly CoverageStats[], series: readonly CoverageSeries[], notionalByBook: ReadonlyMap<string, number>, expectedRate: number): CoverageStats {
  const mine = stats.filter((s) => s.model === model)
  const sum = (f: (s: CoverageStats) => number) => mine.reduce((a, s) => a + f(s), 0)
  const tested = sum((s) => s.tested)
  const x = sum((s) => s.testedExceedances)
  const counts = series.filter((s) => s.model === model).map((s) => christoffersenIndependence(s.exceeded.filter((_, i) => s.tested[i])))
  const n: TransitionCounts = { n00: 0, n01: 0, n10: 0, n11: 0 }
  for (const c of counts) for (const k of ['n00', 'n01', 'n10', 'n11'] as const) n[k] += c[k]
  const christoffersen = christoffersenFromCounts(n)
  const kupiec = kupiecPof(Math.max(1, tested), x, expectedRate)
  const notional = mine.reduce((a, s) => a + (notionalByBook.get(s.book) ?? 0), 0)
  return {
    book: 'all books',
    model,
    observations: sum((s) => s.observations),
    exceedances: sum((s) => s.exceedances),
    tested,
    testedExceedances: x,
    exceedanceRate: tested > 0 ? x / tested : 0,
    expectedRate,
    kupiec,
    christoffersen,
    passes: kupiec.pValue >= TEST_SIGNIFICANCE && christoffersen.pValue >= TEST_SIGNIFICANCE,
    meanRequirementUsd: sum((s) => s.meanRequirementUsd),
    averageCapital: sum((s) => s.meanRequirementUsd) / notional,
  }
}
