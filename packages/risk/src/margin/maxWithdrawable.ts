import { BPS, ceilDiv } from '../math.js'
import { collateralWeightedUsd8 } from './computeAccountMargin.js'
import type { AccountMargin, CollateralItemInput } from './types.js'

export type MaxWithdrawableParameters = {
  /** the account's margin as {@link computeAccountMargin} returned it */
  margin: AccountMargin
  /** the collateral item to withdraw from; must be one of `margin.collateral` (same amount) */
  item: CollateralItemInput
  /** extra margin, usd8, that must remain above IM after the withdrawal */
  bufferUsd8: bigint
}

/**
 * The largest amount (base units, rounded down) of one collateral item, on its chain, whose withdrawal keeps
 * `equity ≥ IM + buffer`. The amount may exceed what the account holds there (the rest becomes a liability on that
 * chain, weighted at `1 + haircut`), so `item.amount` may be zero or negative. Zero when the account is already
 * below the line or the item has no price. The vault's liquidity is a separate cap, applied by the caller.
 * @example maxWithdrawable({ margin, item: margin.collateral[0], bufferUsd8: 0n }) // → 4_000000n
 */
export function maxWithdrawable(parameters: MaxWithdrawableParameters): bigint {
  const { margin, item, bufferUsd8 } = parameters
  const excess = margin.equityUsd8 - margin.imUsd8 - bufferUsd8
  if (excess < 0n || item.priceUsd8 <= 0n) return 0n
  const scale = 10n ** BigInt(item.decimals) * BPS
  const weighted = collateralWeightedUsd8(item.amount, item.decimals, item.priceUsd8, item.haircutBps)
  // the item's weighted value W(amount − x) must stay ≥ target = W(amount) − excess. W is increasing and
  // piecewise linear (slope p·(1−h) above zero, p·(1+h) below); floor(y / scale) ≥ t ⇔ y ≥ t · scale.
  const target = weighted - excess
  const slope = item.priceUsd8 * (target >= 0n ? BPS - BigInt(item.haircutBps) : BPS + BigInt(item.haircutBps))
  if (slope === 0n) return item.amount > 0n ? item.amount : 0n
  const keep = ceilDiv(target * scale, slope)
  return keep >= item.amount ? 0n : item.amount - keep
}
