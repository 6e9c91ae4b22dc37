import type { Liquidity } from './liquidity.js'

/** Parameters of the square-root impact law. */
export type ImpactParameters = {
  /**
   * Y, the law's dimensionless coefficient (default 1). Almgren, Thum, Hauptmann & Li (2005, "Direct estimation of
   * equity market impact", Risk 18(7)) fit a temporary-impact exponent 0.6 ≈ 1/2 on Citigroup US equity orders;
   * Tóth, Lempérière, Deremble, de Lataillade, Kockelkoren & Bouchaud (2011, "Anomalous price impact and the critical
   * nature of liquidity in financial markets", Phys. Rev. X 1, 021006) find ΔP = Y·σ_daily·sqrt(Q/V_daily) with Y of
   * order 1 across futures markets (Y ≈ 0.5–1 in later studies, e.g. Bouchaud, Bonart, Donier & Gould, "Trades,
   * Quotes and Prices", 2018, ch. 12).
   */
  coefficient?: number
  /**
   * share of the peak impact that stays in the price after the hour (default 2/3). Peak impact decays after a
   * metaorder ends to about 2/3 of its peak (Bershova & Rakhlin 2013, "The non-linear market impact of large trades:
   * evidence from buy-side order flow", Quantitative Finance 13(11); Zarinelli, Treccani, Farmer & Lillo 2015,
   * "Beyond the square root", Market Microstructure and Liquidity 1(2)); the rest is temporary.
   */
  permanentShare?: number
}

export const DEFAULT_IMPACT_COEFFICIENT = 1
export const DEFAULT_PERMANENT_SHARE = 2 / 3

/**
 * Relative price impact of trading `quantity` units in one go (a metaorder): `ΔP/P = sign(Q)·Y·σ_daily·sqrt(|Q|/V_daily)`,
 * + for a net buy, − for a net sell; 0 when nothing trades or the underlying has no volume.
 * @param quantity signed units of the underlying (+ bought)
 * @example squareRootImpact(-10_000, { sigmaDaily: 0.05, volumeDaily: 1_000_000 }) // −0.005 (−0.5%)
 */
export function squareRootImpact(
  quantity: number,
  liquidity: Liquidity,
  coefficient = DEFAULT_IMPACT_COEFFICIENT,
): number {
  if (quantity === 0 || !(liquidity.volumeDaily > 0)) return 0
  return (
    Math.sign(quantity) * coefficient * liquidity.sigmaDaily * Math.sqrt(Math.abs(quantity) / liquidity.volumeDaily)
  )
}
