import type { ScenarioSet } from '../../scenarios/index.js'
import { MissingMarketDataError } from '../errors.js'
import type { MarketContext } from '../market/marketContext.js'
import type { ScenarioHolding } from '../modes/portfolioLoss.js'
import type { PortfolioCollateral } from '../types.js'
import { USD8 } from '../units.js'

/** The numeraire: an item following it (a stablecoin at its peg) is flat in every scenario. */
export const NUMERAIRE = 'USD'

/** The risk factor a collateral item follows: `underlying`, else its symbol. */
export const collateralUnderlying = (item: PortfolioCollateral): string => item.underlying ?? item.symbol

/** Units held, float (negative for a liability): `amount / 10^decimals`. */
export const collateralUnits = (item: PortfolioCollateral): number => Number(item.amount) / 10 ** item.decimals

/** Price, USD float; a price ≤ 0 counts as 0 (as the item's value does). */
export const collateralPrice = (priceUsd8: bigint): number => Number(priceUsd8 > 0n ? priceUsd8 : 0n) / USD8

/**
 * Counted P&L per unit of a delta-one holding priced `price` (USD) on underlying `u`, in each scenario:
 * `weight_s × (price·(1 + move_s,u) − price)`, the same expression as a perp's row (`buildInstrumentRisk`), so a unit
 * of WETH at the ETH spot and a unit of ETH-PERP at that mark cancel exactly.
 */
export function collateralRow(price: number, set: ScenarioSet, u: number): Float64Array {
  const U = set.underlyings.length
  const S = set.names.length
  const row = new Float64Array(S)
  for (let s = 0; s < S; s++) row[s] = set.weights[s]! * (price * (1 + set.spot[s * U + u]!) - price)
  return row
}

/**
 * The risk-cancelling collateral items of an account as scenario holdings, in item order (zero amounts and items
 * following the numeraire skipped): qty = units, row = `collateralRow` at the item's own price, no contingency (the
 * item's haircuts cover what the scenarios do not).
 * @throws {MissingMarketDataError} when a risk-cancelling item follows an underlying the market does not quote
 */
export function collateralHoldings(items: readonly PortfolioCollateral[], ctx: MarketContext): ScenarioHolding[] {
  const out: ScenarioHolding[] = []
  for (const item of items) {
    if (item.riskCancelling !== true || item.amount === 0n) continue
    const underlying = collateralUnderlying(item)
    if (underlying === NUMERAIRE) continue
    const u = ctx.underlyingIndex.get(underlying)
    if (u === undefined) throw new MissingMarketDataError(underlying, 'price')
    const price = collateralPrice(item.priceUsd8)
    const row = collateralRow(price, ctx.set, u)
    out.push({ qty: collateralUnits(item), risk: { row, underlyingIndex: u, contingencyPerUnit: 0, strikeGroup: null, nakedShortPerUnit: 0, valuation: { value: price, spot: price, greeks: { deltaUsd: price } } } })
  }
  return out
}
