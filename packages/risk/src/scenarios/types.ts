/** Direction of the implied-volatility shock in one scenario: up, unchanged, or down (sizes come from the underlying). */
export type VolMove = 'up' | 'flat' | 'down'

/**
 * Per-underlying sizes of the grid. Spot moves in scenarios are multiples of `maxMove`; vol shocks are relative to the
 * implied vol and scaled by term (see {@link VolTermScaling}).
 */
export type UnderlyingScenarioParams = {
  /** largest core move of the spot, as a fraction (0.1 = ±10%) over the grid horizon */
  maxMove: number
  /** relative vol rise at 30 days to expiry (0.5 = vol × 1.5), Deribit `volRangeUp` */
  volUp: number
  /** relative vol fall at 30 days to expiry (0.25 = vol × 0.75), Deribit `volRangeDown` */
  volDown: number
  /** floor of the shocked vol in an up-shock (annualised fraction), Deribit `minVolForShockUp` */
  minVolUp: number
  /** fraction of `maxMove` this underlying moves against the others in a decorrelation scenario */
  decorrelation: number
  /** contingency for positions on a pegged underlying (wrapped/staked/stable), fraction of |delta| × spot; 0 = none */
  depeg: number
}

/**
 * Term scaling of vol shocks, power law in days to expiry: shock(T) = shock × (referenceDays / max(floorDays, T))^p
 * with p = `shortPower` below `referenceDays` and `longPower` above (Deribit PM; Paradex/Derive use the same form).
 */
export type VolTermScaling = { referenceDays: number; floorDays: number; shortPower: number; longPower: number }

/** One explicitly listed scenario. `spot` maps an underlying (or `*` for every other) to a multiple of its `maxMove`. */
export type NamedScenarioSpec = {
  name: string
  spot: Record<string, number>
  vol: VolMove
  /** fraction of the scenario's P&L that counts (SPAN counts its ±2× extreme rows at 0.35) */
  weight: number
  /** where the scenario comes from */
  source?: string
}

/** Contingency charges added to the worst scenario loss before the MM/IM multipliers (Deribit PM, Derive PMRM). */
export type ContingencySpec = {
  /** minimum per contract, fraction of spot per unit of |size| (Deribit: 1% of underlying on offsetting futures) */
  perContract: { perp: number; future: number; option: number }
  /** per net short option per (expiry, strike), fraction of spot (Deribit: 0.01 BTC per net short option per strike) */
  nakedShortOptionPerStrike: number
  /** charge while an underlying's price is older than `afterSeconds`: `perMinute` × minutes beyond, capped at `max`, × |delta| × spot */
  staleness: { afterSeconds: number; perMinute: number; max: number }
}

/**
 * The scenario grid as held in JSON (`default-grid.json`). Validated by `parseScenarioGrid`; expanded over a market's
 * underlyings by `expandScenarios`.
 */
export type ScenarioGrid = {
  name: string
  version: 1
  /** citations for the shape and the numbers */
  sources: string[]
  /** horizon the core moves are sized for, seconds; used to scale the P&L σ to a latency */
  horizonSeconds: number
  /** how many σ of grid-horizon P&L the worst scenario loss stands for (σ = worst loss / sigmaCoverage) */
  sigmaCoverage: number
  volTermScaling: VolTermScaling
  /** `*` is required: it sizes every underlying not listed */
  underlyings: Record<string, UnderlyingScenarioParams>
  /** the correlated core: every underlying moves by step × its maxMove, for each vol move */
  core: { spotSteps: number[]; vol: VolMove[] }
  scenarios: NamedScenarioSpec[]
  /**
   * Pairwise decorrelation: with the market's underlyings sorted by name and numbered, for each bit b of the index one
   * scenario moves those with bit b set up and the others down (each by `decorrelation` × maxMove), and one the reverse.
   * Any two underlyings differ in some bit, so every cross-underlying hedge meets a scenario that splits it.
   */
  decorrelation: { vol: VolMove; weight: number }
  contingencies: ContingencySpec
}

/**
 * A grid expanded over a fixed, sorted list of underlyings: S scenarios sorted by name (so the order of the JSON
 * never matters), each with a spot move and a vol move per underlying.
 */
export type ScenarioSet = {
  grid: ScenarioGrid
  /** sorted underlyings; index u in the arrays below */
  underlyings: readonly string[]
  /** S names, sorted */
  names: readonly string[]
  /** S weights (fraction of P&L counted) */
  weights: Float64Array
  /** S × U relative spot moves, row-major by scenario: `spot[s * U + u]` */
  spot: Float64Array
  /** S × U vol moves: +1 up, 0 flat, −1 down */
  vol: Int8Array
  /** U resolved per-underlying sizes */
  params: readonly UnderlyingScenarioParams[]
}
