import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import type { StressRun } from './replay.js'

/**
 * An SVG a person would rather look at than read: for one crash window, one panel per sample book showing
 * health (equity / MM, log scale, clipped to 0.5..100) over time per margin mode, with the liquidation line at 1 and dots where the
 * planner liquidated, beside a bar chart of the capital each mode requires to open each book.
 * Made with Vega-Lite (compiled to Vega and rendered headless to SVG).
 */
const clip = (h: number | null) => (h === null ? 100 : Math.max(0.5, Math.min(100, h)))

export async function renderStressChart(window: string, runs: StressRun[]): Promise<string> {
  const points = runs.flatMap((r) =>
    r.points.map((p) => ({ t: p.t, portfolio: r.portfolio, mode: r.mode, health: clip(p.health) })),
  )
  const liquidations = runs.flatMap((r) =>
    r.liquidations.map((l) => ({ t: l.t, portfolio: r.portfolio, mode: r.mode, health: 1, seized: Math.round(l.seizedUsd) })),
  )
  const capital = runs.map((r) => ({ portfolio: r.portfolio, mode: r.mode, capital: Math.round(r.capitalRequiredUsd) }))
  const portfolios = [...new Set(runs.map((r) => r.portfolio))]
  const color = { field: 'mode', type: 'nominal', scale: { domain: [...new Set(runs.map((r) => r.mode))] }, title: 'margin mode' } as const
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Stress replay: ${window}`, subtitle: 'health = equity / maintenance margin (log scale; ≤ 1 is liquidatable, shown down to 0.5, no requirement shown as 100); ◆ = liquidations', fontSize: 16 },
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
    hconcat: [
      {
        vconcat: portfolios.map((portfolio) => ({
          width: 560,
          height: 110,
          title: { text: portfolio, anchor: 'start', fontSize: 12 },
          layer: [
            {
              data: { values: points.filter((p) => p.portfolio === portfolio) },
              mark: { type: 'line', strokeWidth: 1.6, interpolate: 'step-after' },
              encoding: {
                x: { field: 't', type: 'temporal', title: null, axis: { format: '%b %d', labelFontSize: 9 } },
                y: { field: 'health', type: 'quantitative', title: 'health', scale: { type: 'log', domain: [0.5, 100] } },
                color,
              },
            },
            { data: { values: [{ y: 1 }] }, mark: { type: 'rule', color: '#c0392b', strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
            {
              data: { values: liquidations.filter((l) => l.portfolio === portfolio) },
              mark: { type: 'point', filled: true, size: 50, shape: 'diamond' },
              encoding: { x: { field: 't', type: 'temporal' }, y: { field: 'health', type: 'quantitative' }, color },
            },
          ],
        })),
      },
      {
        width: 220,
        height: 200,
        title: { text: 'capital required to open (USD)', fontSize: 12 },
        data: { values: capital },
        mark: 'bar',
        encoding: {
          y: { field: 'portfolio', type: 'nominal', title: null },
          yOffset: { field: 'mode' },
          x: { field: 'capital', type: 'quantitative', title: null },
          color,
        },
      },
    ],
  } as TopLevelSpec
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  return view.toSVG()
}
