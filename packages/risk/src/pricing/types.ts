/** Right conveyed by a European option. */
export type OptionRight = 'call' | 'put'

/**
 * Price and first-order sensitivities of one option (one unit of the underlying).
 * Units: `price` in the currency of the spot/forward; `delta` per unit of spot (BSM) or forward (Black-76);
 * `gamma` per unit² of spot/forward; `vega` per 1.00 of volatility (divide by 100 for per vol point);
 * `theta` = ∂V/∂t per year of calendar time (usually negative for a long option; divide by 365 for per day);
 * `rho` per 1.00 of the interest rate (divide by 100 for per percentage point).
 */
export type Greeks = { price: number; delta: number; gamma: number; vega: number; theta: number; rho: number }
