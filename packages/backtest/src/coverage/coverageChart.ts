import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import type { CoverageSeries } from './evaluateCoverage.js'

const WEEK_MS = 7 * 86_400_000

/**
 * One SVG of the coverage backtest: a panel per book with, per week, the mean MM of each model and the largest
 * realised horizon loss (both as % of the book's gross notional), and a dot at every exceedance (loss > MM) in the
 * model's colour. Weekly aggregation keeps the file small; exceedances are drawn one by one. Vega-Lite compiled to
 * Vega and rendered headless, as the stress chart.
 * @param series every (book, model) series of one run
 * @param notionalByBook gross notional per book, USD
 */
export async function renderCoverageChart(series: readonly CoverageSeries[], notionalByBook: ReadonlyMap<string, number>, subtitle: string): Promise<string> {
  const requirement: { week: number; book: string; model: string; pct: number }[] = []
  const loss: { week: number; book: string; pct: number }[] = []
  const exceedances: { t: number; book: string; model: string; pct: number }[] = []
  for (const s of series) {
    const notional = notionalByBook.get(s.book)!
    const weeks = new Map<number, { sum: number; n: number; maxLoss: number }>()
    s.times.forEach((t, i) => {
      const week = Math.floor(t / WEEK_MS) * WEEK_MS
      const w = weeks.get(week) ?? { sum: 0, n: 0, maxLoss: -Infinity }
      w.sum += s.requirementUsd[i]!
      w.n++
      w.maxLoss = Math.max(w.maxLoss, s.lossUsd[i]!)
      weeks.set(week, w)
      if (s.exceeded[i]) exceedances.push({ t, book: s.book, model: s.model, pct: (100 * s.lossUsd[i]!) / notional })
    })
    for (const [week, w] of weeks) {
      requirement.push({ week, book: s.book, model: s.model, pct: (100 * w.sum) / w.n / notional })
      if (s.model === 'static') loss.push({ week, book: s.book, pct: (100 * Math.max(0, w.maxLoss)) / notional })
    }
  }
  const books = [...new Set(series.map((s) => s.book))]
  const color = { field: 'model', type: 'nominal', scale: { domain: ['static', 'volatility'], range: ['#1f77b4', '#d62728'] }, title: 'MM model' } as const
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Coverage backtest: maintenance margin vs realised loss over the horizon', subtitle, fontSize: 16 },
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
    vconcat: books.map((book) => ({
      width: 760,
      height: 90,
      title: { text: book, anchor: 'start', fontSize: 12 },
      layer: [
        {
          data: { values: loss.filter((l) => l.book === book) },
          mark: { type: 'area', color: '#bbb', opacity: 0.7, interpolate: 'step-after' },
          encoding: {
            x: { field: 'week', type: 'temporal', title: null, axis: { format: '%Y-%m', labelFontSize: 9 } },
            y: { field: 'pct', type: 'quantitative', title: '% of notional' },
          },
        },
        {
          data: { values: requirement.filter((r) => r.book === book) },
          mark: { type: 'line', strokeWidth: 1.3, interpolate: 'step-after' },
          encoding: { x: { field: 'week', type: 'temporal' }, y: { field: 'pct', type: 'quantitative' }, color },
        },
        {
          data: { values: exceedances.filter((e) => e.book === book) },
          mark: { type: 'point', filled: true, size: 36 },
          encoding: { x: { field: 't', type: 'temporal' }, y: { field: 'pct', type: 'quantitative' }, color },
        },
      ],
    })),
  } as TopLevelSpec
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  return view.toSVG()
}
