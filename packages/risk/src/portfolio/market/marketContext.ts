import { expandScenarios, type ScenarioGrid, type ScenarioSet } from '../../scenarios/index.js'
import { InvalidInputError, MissingMarketDataError } from '../errors.js'
import { buildInstrumentRisk, type InstrumentRisk } from '../instruments/instrumentRisk.js'
import { instrumentKey } from '../instruments/instrumentKey.js'
import type { Instrument, MarketState } from '../types.js'

/**
 * A market prepared for revaluation: the grid expanded over its underlyings and a cache of instrument risks, so each
 * (instrument, scenario) is priced once per market, however many accounts hold it. Treat `market` as immutable: a
 * new tick is a new `MarketState` and a new context.
 */
export type MarketContext = {
  readonly market: MarketState
  readonly set: ScenarioSet
  readonly underlyingIndex: ReadonlyMap<string, number>
  /** the instrument's risk at this market (computed on first use) */
  instrument(instrument: Instrument): InstrumentRisk
}

/**
 * Prepares a market for a grid.
 * @param reuse a context of the same grid at a market that differs from `market` only in the quote of `reuse.changed`
 *   (same time, rate, surfaces and underlyings): its instruments on other underlyings are shared, not repriced
 * @throws {InvalidInputError} when `nowMs` or `rate` is not finite or a quote is malformed
 */
export function createMarketContext(grid: ScenarioGrid, market: MarketState, reuse?: { context: MarketContext; changed: string }): MarketContext {
  if (!Number.isFinite(market.nowMs)) throw new InvalidInputError(`The market time ${market.nowMs} is not a number.`)
  if (!Number.isFinite(market.rate)) throw new InvalidInputError(`The market rate ${market.rate} is not a number.`)
  for (const [u, q] of Object.entries(market.underlyings)) {
    if (q.spotUsd8 <= 0n) throw new InvalidInputError(`The spot of ${u} must be > 0.`)
    if (q.markUsd8 !== undefined && q.markUsd8 <= 0n) throw new InvalidInputError(`The mark of ${u} must be > 0.`)
    if (!Number.isFinite(q.updatedAtMs)) throw new InvalidInputError(`The update time of ${u} is not a number.`)
  }
  const set = expandScenarios(grid, Object.keys(market.underlyings))
  const underlyingIndex = new Map(set.underlyings.map((u, i) => [u, i]))
  const cache = new Map<string, InstrumentRisk>()
  return {
    market,
    set,
    underlyingIndex,
    instrument(instrument) {
      const key = instrumentKey(instrument)
      let risk = cache.get(key)
      if (!risk && reuse && instrument.underlying !== reuse.changed) {
        risk = reuse.context.instrument(instrument)
        cache.set(key, risk)
      }
      if (!risk) {
        const u = underlyingIndex.get(instrument.underlying)
        if (u === undefined) throw new MissingMarketDataError(instrument.underlying, 'price')
        risk = buildInstrumentRisk(instrument, market, set, u)
        cache.set(key, risk)
      }
      return risk
    },
  }
}
