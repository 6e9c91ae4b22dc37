import { abs, ceilDiv, SIZE_SCALE } from '../math.js'

/**
 * The notional of a position: |size| × mark, rounded up (against the account). A negative mark counts as 0.
 * @param size signed size, 18 decimals (negative = short)
 * @param markPriceUsd8 mark price, usd8
 * @returns the notional, usd8
 * @example positionNotionalUsd8(-15n * 10n ** 17n, 2000_00000000n) // 3000_00000000n (1.5 ETH at 2 000 USD)
 */
export function positionNotionalUsd8(size: bigint, markPriceUsd8: bigint): bigint {
  return ceilDiv(abs(size) * (markPriceUsd8 < 0n ? 0n : markPriceUsd8), SIZE_SCALE)
}
