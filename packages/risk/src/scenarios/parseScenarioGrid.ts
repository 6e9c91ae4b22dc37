import { ScenarioGridError } from './errors.js'
import type { ContingencySpec, NamedScenarioSpec, ScenarioGrid, UnderlyingScenarioParams, VolMove, VolTermScaling } from './types.js'

const VOL_MOVES: readonly VolMove[] = ['up', 'flat', 'down']

/**
 * Validates a scenario grid read from JSON and returns it typed (a fresh copy; the input is not kept).
 * Checks: every field present with the right type; moves, weights, vol shocks and contingencies finite and in range
 * (weights in (0, 1], vol down < 1, spot moves keep every price > 0 for every listed and default underlying);
 * scenario names unique (core and decorrelation names included); `*` present in `underlyings`.
 * @param json the parsed JSON value
 * @returns the grid, typed
 * @throws {ScenarioGridError} naming the offending path
 */
export function parseScenarioGrid(json: unknown): ScenarioGrid {
  const g = record(json, '$')
  if (g.version !== 1) throw new ScenarioGridError('version', `expected 1, got ${String(g.version)}`)
  const underlyingsIn = record(g.underlyings, 'underlyings')
  if (!('*' in underlyingsIn)) throw new ScenarioGridError('underlyings', 'needs a "*" entry for unlisted underlyings')
  const underlyings: Record<string, UnderlyingScenarioParams> = {}
  for (const [name, value] of Object.entries(underlyingsIn)) underlyings[name] = underlyingParams(value, `underlyings.${name}`)
  const coreIn = record(g.core, 'core')
  const spotSteps = array(coreIn.spotSteps, 'core.spotSteps').map((x, i) => finite(x, `core.spotSteps[${i}]`))
  const coreVol = array(coreIn.vol, 'core.vol').map((x, i) => volMove(x, `core.vol[${i}]`))
  if (spotSteps.length === 0 || coreVol.length === 0) throw new ScenarioGridError('core', 'needs at least one spot step and one vol move')
  const scenarios = array(g.scenarios, 'scenarios').map((x, i) => namedScenario(x, `scenarios[${i}]`))
  const decIn = record(g.decorrelation, 'decorrelation')
  const grid: ScenarioGrid = {
    name: string(g.name, 'name'),
    version: 1,
    sources: array(g.sources, 'sources').map((x, i) => string(x, `sources[${i}]`)),
    horizonSeconds: positive(g.horizonSeconds, 'horizonSeconds'),
    sigmaCoverage: positive(g.sigmaCoverage, 'sigmaCoverage'),
    volTermScaling: termScaling(g.volTermScaling),
    underlyings,
    core: { spotSteps, vol: coreVol },
    scenarios,
    decorrelation: { vol: volMove(decIn.vol, 'decorrelation.vol'), weight: weight(decIn.weight, 'decorrelation.weight') },
    contingencies: contingencies(g.contingencies),
  }
  checkMovesKeepPricesPositive(grid)
  const names = new Set<string>()
  for (const [i, s] of scenarios.entries()) {
    if (names.has(s.name)) throw new ScenarioGridError(`scenarios[${i}].name`, `"${s.name}" is listed twice`)
    if (s.name.startsWith('core/') || s.name.startsWith('decorrelation/')) {
      throw new ScenarioGridError(`scenarios[${i}].name`, 'the prefixes core/ and decorrelation/ are reserved for generated scenarios')
    }
    names.add(s.name)
  }
  if (new Set(spotSteps).size !== spotSteps.length) throw new ScenarioGridError('core.spotSteps', 'has a step twice')
  if (new Set(coreVol).size !== coreVol.length) throw new ScenarioGridError('core.vol', 'has a vol move twice')
  return grid
}

function underlyingParams(value: unknown, path: string): UnderlyingScenarioParams {
  const u = record(value, path)
  const p = {
    maxMove: positive(u.maxMove, `${path}.maxMove`),
    volUp: nonNegative(u.volUp, `${path}.volUp`),
    volDown: nonNegative(u.volDown, `${path}.volDown`),
    minVolUp: nonNegative(u.minVolUp, `${path}.minVolUp`),
    decorrelation: nonNegative(u.decorrelation, `${path}.decorrelation`),
    depeg: nonNegative(u.depeg, `${path}.depeg`),
  }
  if (p.maxMove >= 1) throw new ScenarioGridError(`${path}.maxMove`, `${p.maxMove} would move a price to zero or below`)
  if (p.volDown >= 1) throw new ScenarioGridError(`${path}.volDown`, `${p.volDown} would take vol to zero or below at 30 days`)
  if (p.depeg > 1) throw new ScenarioGridError(`${path}.depeg`, `${p.depeg} is more than the whole value`)
  return p
}

function termScaling(value: unknown): VolTermScaling {
  const t = record(value, 'volTermScaling')
  return {
    referenceDays: positive(t.referenceDays, 'volTermScaling.referenceDays'),
    floorDays: positive(t.floorDays, 'volTermScaling.floorDays'),
    shortPower: nonNegative(t.shortPower, 'volTermScaling.shortPower'),
    longPower: nonNegative(t.longPower, 'volTermScaling.longPower'),
  }
}

function namedScenario(value: unknown, path: string): NamedScenarioSpec {
  const s = record(value, path)
  const spotIn = record(s.spot, `${path}.spot`)
  const spot: Record<string, number> = {}
  for (const [k, v] of Object.entries(spotIn)) spot[k] = finite(v, `${path}.spot.${k}`)
  const out: NamedScenarioSpec = { name: string(s.name, `${path}.name`), spot, vol: volMove(s.vol, `${path}.vol`), weight: weight(s.weight, `${path}.weight`) }
  if (s.source !== undefined) out.source = string(s.source, `${path}.source`)
  return out
}

function contingencies(value: unknown): ContingencySpec {
  const c = record(value, 'contingencies')
  const pc = record(c.perContract, 'contingencies.perContract')
  const st = record(c.staleness, 'contingencies.staleness')
  return {
    perContract: {
      perp: fraction(pc.perp, 'contingencies.perContract.perp'),
      future: fraction(pc.future, 'contingencies.perContract.future'),
      option: fraction(pc.option, 'contingencies.perContract.option'),
    },
    nakedShortOptionPerStrike: fraction(c.nakedShortOptionPerStrike, 'contingencies.nakedShortOptionPerStrike'),
    staleness: {
      afterSeconds: nonNegative(st.afterSeconds, 'contingencies.staleness.afterSeconds'),
      perMinute: fraction(st.perMinute, 'contingencies.staleness.perMinute'),
      max: fraction(st.max, 'contingencies.staleness.max'),
    },
  }
}

/** Every down move (core, named, decorrelation) must leave every underlying's price > 0. */
function checkMovesKeepPricesPositive(grid: ScenarioGrid) {
  const worstCore = Math.min(0, ...grid.core.spotSteps)
  for (const [name, u] of Object.entries(grid.underlyings)) {
    if (1 + worstCore * u.maxMove <= 0) throw new ScenarioGridError('core.spotSteps', `a step of ${worstCore} moves ${name} to zero or below`)
    if (1 - u.decorrelation * u.maxMove <= 0) throw new ScenarioGridError(`underlyings.${name}.decorrelation`, 'moves the price to zero or below')
    for (const [i, s] of grid.scenarios.entries()) {
      const m = s.spot[name] ?? s.spot['*'] ?? 0
      if (1 + m * u.maxMove <= 0) throw new ScenarioGridError(`scenarios[${i}].spot`, `moves ${name} by ${m * u.maxMove}, to zero or below`)
    }
  }
  const fallback = grid.underlyings['*']!
  for (const [i, s] of grid.scenarios.entries()) {
    for (const [name, m] of Object.entries(s.spot)) {
      const u = grid.underlyings[name] ?? fallback
      if (1 + m * u.maxMove <= 0) throw new ScenarioGridError(`scenarios[${i}].spot.${name}`, `moves ${name} by ${m * u.maxMove}, to zero or below`)
    }
  }
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScenarioGridError(path, 'expected an object')
  return value as Record<string, unknown>
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ScenarioGridError(path, 'expected an array')
  return value
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ScenarioGridError(path, 'expected a non-empty string')
  return value
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ScenarioGridError(path, `expected a finite number, got ${String(value)}`)
  return value
}

function nonNegative(value: unknown, path: string): number {
  const x = finite(value, path)
  if (x < 0) throw new ScenarioGridError(path, `expected ≥ 0, got ${x}`)
  return x
}

function positive(value: unknown, path: string): number {
  const x = finite(value, path)
  if (x <= 0) throw new ScenarioGridError(path, `expected > 0, got ${x}`)
  return x
}

function fraction(value: unknown, path: string): number {
  const x = nonNegative(value, path)
  if (x > 1) throw new ScenarioGridError(path, `expected a fraction in 0..1, got ${x}`)
  return x
}

function weight(value: unknown, path: string): number {
  const x = positive(value, path)
  if (x > 1) throw new ScenarioGridError(path, `expected a weight in (0, 1], got ${x}`)
  return x
}

function volMove(value: unknown, path: string): VolMove {
  if (!VOL_MOVES.includes(value as VolMove)) throw new ScenarioGridError(path, `expected one of ${VOL_MOVES.join(', ')}, got ${String(value)}`)
  return value as VolMove
}
