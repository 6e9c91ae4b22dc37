import type { PositionInput } from '../margin/types.js'
import { abs, BPS, ceilDiv, floorDiv, SIZE_SCALE } from '../math.js'
import type { ClosedPosition } from './types.js'

/**
 * Closes `fractionBps` of every position at its mark price, pro rata so hedged legs shrink together. Each closed size
 * is rounded up (away from zero, never beyond the position), its notional rounded up and its realised P&L rounded
 * down: every rounding goes against the account.
 * @param positions open positions (sizes 18 decimals, prices usd8)
 * @param fractionBps 0..10 000
 */
export function closePositions(
  positions: readonly PositionInput[],
  fractionBps: number,
): { closed: ClosedPosition[]; remaining: PositionInput[]; realizedPnlUsd8: bigint; closedNotionalUsd8: bigint } {
  const fraction = BigInt(fractionBps)
  const closed: ClosedPosition[] = []
  const remaining: PositionInput[] = []
  let realizedPnlUsd8 = 0n
  let closedNotionalUsd8 = 0n
  for (const p of positions) {
    const magnitude = ceilDiv(abs(p.size) * fraction, BPS)
    const size = p.size < 0n ? -magnitude : magnitude
    const remainingSize = p.size - size
    if (remainingSize !== 0n) remaining.push({ ...p, size: remainingSize })
    if (size === 0n) continue
    const mark = p.markPrice < 0n ? 0n : p.markPrice
    const notionalUsd8 = ceilDiv(magnitude * mark, SIZE_SCALE)
    const realized = floorDiv(size * (p.markPrice - p.entryPrice), SIZE_SCALE)
    closed.push({ market: p.market, size, remainingSize, entryPrice: p.entryPrice, markPrice: p.markPrice, notionalUsd8, realizedPnlUsd8: realized })
    realizedPnlUsd8 += realized
    closedNotionalUsd8 += notionalUsd8
  }
  return { closed, remaining, realizedPnlUsd8, closedNotionalUsd8 }
}
