import { BPS, ceilDiv } from '../math.js'
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
 * The largest amount (base units, rounded down) of one collateral item whose removal keeps
 * `equity ≥ IM + buffer`. Zero when the account is already below that line; the whole item when it carries no
 * weight (price ≤ 0 or a 100% haircut) and the account is at or above the line.
 * @example maxWithdrawable({ margin, item: margin.collateral[0], bufferUsd8: 0n }) // → 4_000000n
 */
export function maxWithdrawable(parameters: MaxWithdrawableParameters): bigint {
  const { margin, item, bufferUsd8 } = parameters
  const excess = margin.equityUsd8 - margin.imUsd8 - bufferUsd8
  if (excess < 0n || item.amount <= 0n) return 0n
  const weightPerUnit = item.priceUsd8 <= 0n ? 0n : item.priceUsd8 * (BPS - BigInt(item.haircutBps))
  if (weightPerUnit === 0n) return item.amount
  const scale = 10n ** BigInt(item.decimals) * BPS
  const weighted = (item.amount * weightPerUnit) / scale
  // the item's weighted value after removing x must stay ≥ weighted − excess:
  // floor((amount − x) · w / scale) ≥ target  ⇔  amount − x ≥ ceil(target · scale / w)
  const target = weighted - excess
  if (target <= 0n) return item.amount
  const keep = ceilDiv(target * scale, weightPerUnit)
  return keep >= item.amount ? 0n : item.amount - keep
}
