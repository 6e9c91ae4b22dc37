import type { ScenarioGrid, ScenarioSet, UnderlyingScenarioParams, VolMove } from './types.js'

const VOL_SIGN: Record<VolMove, number> = { up: 1, flat: 0, down: -1 }

/**
 * Expands a grid over a market's underlyings into a {@link ScenarioSet}: the core (every spot step × every vol move,
 * all underlyings moving together by step × their own maxMove), the named scenarios, and 2·⌈log₂ U⌉ decorrelation
 * scenarios (see `ScenarioGrid.decorrelation`). Scenarios are sorted by name, so the order of the JSON never changes
 * a result, and each underlying's sizes come from its entry or from `*`.
 * Names: `core/spot=+0.50/vol=up`, the named scenario's own name, `decorrelation/bit=0/up` (bit-0 set goes up).
 * @param grid a validated grid (`parseScenarioGrid`)
 * @param underlyings the market's underlyings (any order, duplicates ignored)
 * @returns the expanded set; deterministic for a given grid and set of underlyings
 * @example expandScenarios(defaultScenarioGrid(), ['BTC', 'ETH']).names.length // → 35
 */
export function expandScenarios(grid: ScenarioGrid, underlyings: readonly string[]): ScenarioSet {
  const names = [...new Set(underlyings)].sort()
  const U = names.length
  const params: UnderlyingScenarioParams[] = names.map((n) => grid.underlyings[n] ?? grid.underlyings['*']!)
  type Row = { name: string; weight: number; spot: number[]; vol: number }
  const rows: Row[] = []
  for (const step of grid.core.spotSteps) {
    for (const v of grid.core.vol) {
      rows.push({ name: `core/spot=${signed(step)}/vol=${v}`, weight: 1, spot: params.map((p) => step * p.maxMove), vol: VOL_SIGN[v] })
    }
  }
  for (const s of grid.scenarios) {
    const spot = names.map((n, u) => (s.spot[n] ?? s.spot['*'] ?? 0) * params[u]!.maxMove)
    rows.push({ name: s.name, weight: s.weight, spot, vol: VOL_SIGN[s.vol] })
  }
  const bits = U <= 1 ? 0 : Math.ceil(Math.log2(U))
  for (let b = 0; b < bits; b++) {
    for (const dir of [1, -1]) {
      const spot = params.map((p, u) => ((u >> b) & 1 ? dir : -dir) * p.decorrelation * p.maxMove)
      rows.push({ name: `decorrelation/bit=${b}/${dir > 0 ? 'up' : 'down'}`, weight: grid.decorrelation.weight, spot, vol: VOL_SIGN[grid.decorrelation.vol] })
    }
  }
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const S = rows.length
  const spot = new Float64Array(S * U)
  const vol = new Int8Array(S * U)
  const weights = new Float64Array(S)
  rows.forEach((r, s) => {
    weights[s] = r.weight
    for (let u = 0; u < U; u++) {
      spot[s * U + u] = r.spot[u]!
      vol[s * U + u] = r.vol
    }
  })
  return { grid, underlyings: names, names: rows.map((r) => r.name), weights, spot, vol, params }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(2)}`
}
