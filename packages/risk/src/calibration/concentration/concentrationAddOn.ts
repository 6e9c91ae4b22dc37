/** Concentration (liquidity) add-on parameters, portfolio mode. */
export type ConcentrationParams = {
  /**
   * Y of the square-root impact law, dimensionless: Tóth et al. (2011), "Anomalous price impact and the critical
   * nature of liquidity in financial markets", Phys. Rev. X 1, 021006, and Almgren et al. (2005), "Direct estimation
   * of equity market impact", Risk 18(7), measure Y of order 1; default 1
   */
  coefficient: number
  /**
   * notional the market absorbs over the liquidation horizon, USD, by underlying (`*` for the rest; an underlying
   * without an entry pays no add-on). Sized like dYdX v4's per-market impact notional and Hyperliquid's margin tiers
   */
  depthUsd: Readonly<Record<string, number>>
  /** σ of the underlying over the same horizon, fraction; default the grid's `maxMove / sigmaCoverage` */
  sigma?: Readonly<Record<string, number>>
}

/**
 * The cost of unwinding |N| USD of net exposure into a market of depth D with volatility σ, by the square-root law:
 * impact per unit = Y·σ·sqrt(|N| / D), so the add-on is `Y · σ · sqrt(|N| / D) · |N|` (USD). Grows as |N|^1.5:
 * negligible for a small position (1% of D pays Y·σ·0.1 of its notional), dominant for a position near the depth.
 * @param netUsd net delta exposure of one underlying, USD, signed
 * @param sigma horizon σ, fraction ≥ 0
 * @param depthUsd > 0
 * @param coefficient Y ≥ 0
 * @returns USD ≥ 0, float
 */
export function impactCostUsd(netUsd: number, sigma: number, depthUsd: number, coefficient: number): number {
  const n = Math.abs(netUsd)
  if (n === 0) return 0
  return coefficient * sigma * Math.sqrt(n / depthUsd) * n
}

/**
 * Σ over underlyings of `impactCostUsd` of the account's net delta on each, in underlying-index order.
 * @param netUsd net delta exposure per underlying index, USD (positions' deltaUsd plus risk-cancelling collateral)
 * @param underlyings names by index
 * @param defaultSigma σ per underlying index used when `params.sigma` has no entry
 */
export function concentrationAddOnUsd(netUsd: Float64Array, underlyings: readonly string[], defaultSigma: (u: number) => number, params: ConcentrationParams): number {
  let total = 0
  for (let u = 0; u < netUsd.length; u++) {
    if (netUsd[u] === 0) continue
    const name = underlyings[u]!
    const depth = params.depthUsd[name] ?? params.depthUsd['*']
    if (depth === undefined) continue
    const sigma = params.sigma?.[name] ?? params.sigma?.['*'] ?? defaultSigma(u)
    total += impactCostUsd(netUsd[u]!, sigma, depth, params.coefficient)
  }
  return total
}

/**
 * Checks concentration parameters.
 * @throws {RangeError} when the coefficient is negative, a depth is not > 0 or a σ is negative / not finite
 */
export function checkConcentrationParams(p: ConcentrationParams): void {
  if (!(p.coefficient >= 0 && Number.isFinite(p.coefficient))) throw new RangeError(`The concentration coefficient must be ≥ 0, got ${p.coefficient}.`)
  for (const [u, d] of Object.entries(p.depthUsd)) if (!(d > 0 && Number.isFinite(d))) throw new RangeError(`The depth of ${u} must be > 0 USD, got ${d}.`)
  for (const [u, s] of Object.entries(p.sigma ?? {})) if (!(s >= 0 && Number.isFinite(s))) throw new RangeError(`The σ of ${u} must be ≥ 0, got ${s}.`)
}
