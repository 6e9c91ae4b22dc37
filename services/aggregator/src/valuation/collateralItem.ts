import type { AssetConfig } from '@unimargin/chains'
import type { PriceBook } from '../pricing/index.js'
import type { ValuedCollateralItem } from './valueAccount.js'

/**
 * The engine's input for `amount` base units of `asset` on `chainId` at the price book's price of that (chain, asset):
 * its haircut and its scenario treatment from the config (underlying, risk-cancelling, MM/IM haircuts, route-break
 * loss; see `collateralRiskOf` in `@unimargin/chains`). A missing price values the item at 0 (`quote` undefined).
 * @param amount base units, signed (negative = a liability on that chain)
 */
export function collateralItemOf(book: PriceBook, chainId: number, asset: AssetConfig, amount: bigint): ValuedCollateralItem {
  const quote = book.collateralPrice(chainId, asset)
  return {
    chainId,
    symbol: asset.symbol,
    asset: asset.address,
    amount,
    decimals: asset.decimals,
    priceUsd8: quote?.priceUsd8 ?? 0n,
    haircutBps: asset.haircutBps,
    underlying: asset.underlying,
    ...(asset.riskCancelling ? { riskCancelling: true, mmHaircutBps: asset.mmHaircutBps, imHaircutBps: asset.imHaircutBps } : {}),
    ...(asset.routeBreakLossBps ? { routeBreakLossBps: asset.routeBreakLossBps } : {}),
    quote,
  }
}
