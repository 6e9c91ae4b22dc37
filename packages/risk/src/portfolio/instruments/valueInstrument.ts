import { black76, surfaceVol } from '../../pricing/index.js'
import { MissingMarketDataError } from '../errors.js'
import type { Instrument, MarketState, PositionGreeks } from '../types.js'
import { USD8 } from '../units.js'

/** Milliseconds in the 365-day year used for times to expiry (Deribit's convention). */
export const YEAR_MS = 365 * 24 * 3600 * 1000

/** An instrument valued once at the current market, per unit of the underlying. */
export type InstrumentValuation = {
  /** spot of the underlying, USD */
  spot: number
  /** value per unit, USD: perp mark, future forward, option premium */
  value: number
  /** forward for the expiry (perp: the mark), USD */
  forward: number
  /** time to expiry, years (0 for perps and expired instruments) */
  timeYears: number
  /** implied vol used (options), annualised fraction; 0 otherwise */
  vol: number
  /** Greeks per unit (deltaUsd = delta × spot) */
  greeks: PositionGreeks
}

/**
 * Values one instrument at the market, per unit.
 * - perp: the mark (default: spot); delta = mark / spot, since scenarios move the mark with the spot.
 * - future: forward F = S·e^{r·T} (cost of carry, no yield), delta e^{r·T}; an expired future is worth the spot.
 * - option: Black-76 on that forward at σ = surfaceVol(surface, {F, K, T}) (pricing/), discounted at `rate`;
 *   delta and gamma converted from forward to spot (∂F/∂S = F/S), vega per 1.00 of vol, theta per year (F held).
 * @throws {MissingMarketDataError} when the market has no quote (or, for an option, no surface) for the underlying
 */
export function valueInstrument(instrument: Instrument, market: MarketState): InstrumentValuation {
  const quote = market.underlyings[instrument.underlying]
  if (!quote) throw new MissingMarketDataError(instrument.underlying, 'price')
  const spot = Number(quote.spotUsd8) / USD8
  if (!(spot > 0)) throw new MissingMarketDataError(instrument.underlying, 'positive spot price')
  if (instrument.kind === 'perp') {
    const mark = quote.markUsd8 === undefined ? spot : Number(quote.markUsd8) / USD8
    if (!(mark > 0)) throw new MissingMarketDataError(instrument.underlying, 'positive mark price')
    const delta = mark / spot
    return { spot, value: mark, forward: mark, timeYears: 0, vol: 0, greeks: { delta, gamma: 0, vega: 0, theta: 0, deltaUsd: delta * spot } }
  }
  const timeYears = Math.max(0, (instrument.expiryMs - market.nowMs) / YEAR_MS)
  const carry = Math.exp(market.rate * timeYears)
  const forward = spot * carry
  if (instrument.kind === 'future') {
    return { spot, value: forward, forward, timeYears, vol: 0, greeks: { delta: carry, gamma: 0, vega: 0, theta: 0, deltaUsd: carry * spot } }
  }
  const surface = market.surfaces[instrument.underlying]
  if (!surface) throw new MissingMarketDataError(instrument.underlying, 'vol surface')
  const strike = Number(instrument.strikeUsd8) / USD8
  const vol = surfaceVol(surface, { forward, strike, timeYears })
  const g = black76({ forward, strike, timeYears, vol, rate: market.rate, right: instrument.right })
  const delta = g.delta * carry
  return {
    spot,
    value: g.price,
    forward,
    timeYears,
    vol,
    greeks: { delta, gamma: g.gamma * carry * carry, vega: g.vega, theta: g.theta, deltaUsd: delta * spot },
  }
}
