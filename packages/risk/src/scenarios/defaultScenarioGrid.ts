import grid from './default-grid.json' with { type: 'json' }
import { parseScenarioGrid } from './parseScenarioGrid.js'
import type { ScenarioGrid } from './types.js'

let cached: ScenarioGrid | undefined

/**
 * The default portfolio-margin grid (`default-grid.json`, sources listed in its `sources`), validated on first use.
 * With U underlyings it expands to 33 + 2·⌈log₂ U⌉ scenarios (27 core, 4 SPAN-style extremes at 35%, 2 correlated
 * rotations, the decorrelation pairs).
 * @returns the validated grid (shared; treat as read-only)
 */
export function defaultScenarioGrid(): ScenarioGrid {
  cached ??= parseScenarioGrid(grid)
  return cached
}
