import { black76 } from '../../pricing/index.js'
import type { ScenarioSet } from '../../scenarios/index.js'
import type { Instrument, MarketState } from '../types.js'
import { USD8 } from '../units.js'
import { instrumentKey } from './instrumentKey.js'
import { shockVol } from './shockVol.js'
import { type InstrumentValuation, valueInstrument } from './valueInstrument.js'

/** Everything the margin modes need about one instrument at one market, computed once per tick. */
export type InstrumentRisk = {
  key: string
  instrument: Instrument
  /** index of the underlying in the scenario set */
  underlyingIndex: number
  valuation: InstrumentValuation
  /** counted P&L per unit long in each scenario, USD: weight_s × (V_s − V_0) */
  row: Float64Array
  /** contingency per unit of |net size|, USD: spot × (perContract[kind] + (staleness + depeg) × |delta|) */
  contingencyPerUnit: number
  /** options: `underlying|expiry|strike`, the group whose net short size pays the naked-short charge; else null */
  strikeGroup: string | null
  /** naked-short charge per net short unit of the group, USD */
  nakedShortPerUnit: number
}

/**
 * Prices an instrument in every scenario of `set` (full revaluation, not Greeks): perps and futures move with the
 * spot (V_s = V_0·(1 + move)); options are repriced with Black-76 at F·(1 + move) and the shocked vol
 * (`shockVol`), time to expiry unchanged. Contingencies follow the grid's `contingencies` (Deribit PM): a
 * per-contract minimum, a staleness charge while the underlying's price is older than `afterSeconds`, the
 * underlying's depeg charge, and the naked-short-option-per-strike rate.
 */
export function buildInstrumentRisk(instrument: Instrument, market: MarketState, set: ScenarioSet, underlyingIndex: number): InstrumentRisk {
  const valuation = valueInstrument(instrument, market)
  const U = set.underlyings.length
  const S = set.names.length
  const params = set.params[underlyingIndex]!
  const row = new Float64Array(S)
  const v0 = valuation.value
  for (let s = 0; s < S; s++) {
    const move = set.spot[s * U + underlyingIndex]!
    let v: number
    if (instrument.kind === 'option') {
      const vol = shockVol(valuation.vol, set.vol[s * U + underlyingIndex]!, valuation.timeYears, params, set.grid.volTermScaling)
      const strike = Number(instrument.strikeUsd8) / USD8
      v = black76({ forward: valuation.forward * (1 + move), strike, timeYears: valuation.timeYears, vol, rate: market.rate, right: instrument.right }).price
    } else {
      v = v0 * (1 + move)
    }
    row[s] = set.weights[s]! * (v - v0)
  }
  const c = set.grid.contingencies
  const quote = market.underlyings[instrument.underlying]!
  const ageSeconds = (market.nowMs - quote.updatedAtMs) / 1000
  const stale = ageSeconds > c.staleness.afterSeconds ? Math.min(c.staleness.max, (c.staleness.perMinute * (ageSeconds - c.staleness.afterSeconds)) / 60) : 0
  const spot = valuation.spot
  const contingencyPerUnit = spot * (c.perContract[instrument.kind] + (stale + params.depeg) * Math.abs(valuation.greeks.delta))
  const strikeGroup = instrument.kind === 'option' ? `${instrument.underlying}|${instrument.expiryMs}|${instrument.strikeUsd8}` : null
  return {
    key: instrumentKey(instrument),
    instrument,
    underlyingIndex,
    valuation,
    row,
    contingencyPerUnit,
    strikeGroup,
    nakedShortPerUnit: strikeGroup ? c.nakedShortOptionPerStrike * spot : 0,
  }
}
