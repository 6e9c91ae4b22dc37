import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import type { StressRun } from './replay.js'

/** lowest health drawn: the log axis cannot show health ≤ 0 (equity below zero), so such hours sit on this floor */
export const HEALTH_FLOOR = 0.1

const clip = (h: number) => Math.max(HEALTH_FLOOR, h)

/**
 * The health axis of one panel, fitted to the health drawn in it (and to the liquidation line at 1), with a margin
 * of 20% on each side of the log scale, so no third of the axis is left empty.
 */
export function healthDomain(values: readonly number[]): [number, number] {
  const lo = Math.min(1, ...values)
  const hi = Math.max(1, ...values)
  return [lo / 1.2, hi * 1.2]
}

/**
 * The health points a chart draws: one per hour with a requirement, clipped at {@link HEALTH_FLOOR}; hours after a
 * book has been closed, or without any requirement, are left out rather than drawn at a made-up value.
 */
export function healthSeries(
  runs: readonly StressRun[],
): { t: number; portfolio: string; mode: string; health: number }[] {
  return runs.flatMap((r) =>
    r.points.flatMap((p) =>
      p.health === null || !p.open
        ? []
        : [
            {
              t: p.t,
              portfolio: r.portfolio,
              mode: r.mode,
              health: clip(p.health),
            },
          ],
    ),
  )
}

/** stroke dashes per mode, so a mode whose line lies under another's still shows (solid, long dash, dots) */
const DASHES = [
  [1, 0],
  [8, 4],
  [2, 3],
  [12, 3, 2, 3],
]

/**
 * An SVG a person would rather look at than read: for one crash window, one panel per sample book showing
 * health (equity / MM, log scale fitted to the data) over time per margin mode, each mode with its own colour and
 * dash, the liquidation line at 1 and diamonds where the planner liquidated (at the health before the
 * liquidation), beside a bar chart of the capital each mode requires to open each book. Hours after a book has been
 * closed, or with no requirement, are not drawn (no line is drawn at a made-up value); health below
 * {@link HEALTH_FLOOR} is drawn at the floor. Made with Vega-Lite (compiled to Vega and rendered headless to SVG).
 */
export async function renderStressChart(window: string, runs: StressRun[]): Promise<string> {
  const points = healthSeries(runs)
  const liquidations = runs.flatMap((r) =>
    r.liquidations.map((l) => {
      const before = r.points.find((p) => p.t === l.t)?.healthBefore ?? 1
      return {
        t: l.t,
        portfolio: r.portfolio,
        mode: r.mode,
        health: clip(before ?? 1),
        seized: Math.round(l.seizedUsd),
      }
    }),
  )
  const capital = runs.map((r) => ({
    portfolio: r.portfolio,
    mode: r.mode,
    capital: Math.round(r.capitalRequiredUsd),
  }))
  const portfolios = [...new Set(runs.map((r) => r.portfolio))]
  const modes = [...new Set(runs.map((r) => r.mode))]
  const color = {
    field: 'mode',
    type: 'nominal',
    scale: { domain: modes },
    title: 'margin mode',
  } as const
  const strokeDash = {
    field: 'mode',
    type: 'nominal',
    scale: { domain: modes, range: DASHES.slice(0, modes.length) },
    title: 'margin mode',
  } as const
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Stress replay: ${window}`,
      subtitle: `health = equity / maintenance margin (log scale fitted per book; ≤ 1 is liquidatable, ≤ ${HEALTH_FLOOR} drawn at ${HEALTH_FLOOR}; closed books not drawn); ◆ = liquidations`,
      fontSize: 16,
    },
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
    hconcat: [
      {
        vconcat: portfolios.map((portfolio) => {
          const mine = points.filter((p) => p.portfolio === portfolio)
          const marks = liquidations.filter((l) => l.portfolio === portfolio)
          const domain = healthDomain([...mine, ...marks].map((p) => p.health))
          return {
            width: 560,
            height: 110,
            title: { text: portfolio, anchor: 'start', fontSize: 12 },
            layer: [
              {
                data: { values: mine },
                mark: {
                  type: 'line',
                  strokeWidth: 1.8,
                  interpolate: 'step-after',
                  opacity: 0.85,
                },
                encoding: {
                  x: {
                    field: 't',
                    type: 'temporal',
                    title: null,
                    axis: { format: '%b %d', labelFontSize: 9 },
                  },
                  y: {
                    field: 'health',
                    type: 'quantitative',
                    title: 'health',
                    scale: { type: 'log', domain, clamp: true },
                  },
                  color,
                  strokeDash,
                },
              },
              {
                data: { values: [{ y: 1 }] },
                mark: { type: 'rule', color: '#c0392b', strokeDash: [4, 3] },
                encoding: { y: { field: 'y', type: 'quantitative' } },
              },
              {
                data: { values: marks },
                mark: {
                  type: 'point',
                  filled: true,
                  size: 50,
                  shape: 'diamond',
                },
                encoding: {
                  x: { field: 't', type: 'temporal' },
                  y: { field: 'health', type: 'quantitative' },
                  color,
                },
              },
            ],
          }
        }),
      },
      {
        width: 240,
        height: 36 * portfolios.length,
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
  const view = new vega.View(vega.parse(compile(spec).spec), {
    renderer: 'none',
  })
  return view.toSVG()
}
