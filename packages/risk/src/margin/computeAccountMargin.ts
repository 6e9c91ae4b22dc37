import { abs, BPS, ceilDiv, floorDiv, SIZE_SCALE } from '../math.js'
import { positionNotionalUsd8 } from './notional.js'
import type { AccountMargin, AccountMarginInput, CollateralItemInput, CollateralItemMargin, PositionInput, PositionMargin } from './types.js'

/**
 * Computes an account's margin under the tiered-fraction model: collateral at oracle value less haircut, perpetual
 * positions at mark with IM/MM as fractions of notional. Pure; every rounding goes against the account (values and
 * P&L down, requirements up).
 * @param input collateral items (base units, usd8 prices, haircut bps), positions (1e18 sizes, usd8 prices,
 *   imf/mmf bps) and settled P&L (usd8).
 * @returns per-item and per-position figures and the totals (all usd8).
 * A negative collateral amount is a liability on that chain (the account withdrew there against collateral
 * elsewhere): it is valued at the oracle price marked **up** by the haircut, `amount · price · (1 + h)`, the
 * mirror of a borrow weight (Aave v3 "borrowable in isolation"/Euler v2 LTV conventions), so moving collateral
 * between chains never improves health.
 * @throws {RangeError} when a bps value is out of 0..10 000.
 * @example computeAccountMargin({ collateral: [{ chainId: 1, symbol: 'ETH', asset: '0x…', amount: 10n ** 18n,
 *   decimals: 18, priceUsd8: 2000_00000000n, haircutBps: 1000 }], positions: [], settledPnlUsd8: 0n })
 */
export function computeAccountMargin(input: AccountMarginInput): AccountMargin {
  const collateral = input.collateral.map(valueCollateralItem)
  const positions = input.positions.map(marginPosition)
  const collateralUsd8 = collateral.reduce((s, c) => s + c.weightedUsd8, 0n)
  const unrealizedPnlUsd8 = positions.reduce((s, p) => s + p.unrealizedPnlUsd8, 0n)
  const imUsd8 = positions.reduce((s, p) => s + p.imUsd8, 0n)
  const mmUsd8 = positions.reduce((s, p) => s + p.mmUsd8, 0n)
  const equityUsd8 = collateralUsd8 + unrealizedPnlUsd8 + input.settledPnlUsd8
  const healthBps = mmUsd8 === 0n ? null : floorDiv(equityUsd8 * BPS, mmUsd8)
  return {
    collateral,
    positions,
    collateralUsd8,
    unrealizedPnlUsd8,
    settledPnlUsd8: input.settledPnlUsd8,
    equityUsd8,
    imUsd8,
    mmUsd8,
    freeCollateralUsd8: equityUsd8 - imUsd8,
    healthBps,
    health: healthBps === null ? null : formatBps(healthBps),
  }
}

/** Market value (usd8, floor toward −∞) of `amount` base units (signed) at `priceUsd8`. Non-positive prices value at zero. */
export function collateralValueUsd8(amount: bigint, decimals: number, priceUsd8: bigint): bigint {
  if (priceUsd8 <= 0n) return 0n
  return floorDiv(amount * priceUsd8, 10n ** BigInt(decimals))
}

/**
 * Weighted value (usd8, floor toward −∞), in one division so rounding happens once: an asset at
 * `price · (1 − h)`, a liability (negative amount) at `price · (1 + h)`.
 */
export function collateralWeightedUsd8(amount: bigint, decimals: number, priceUsd8: bigint, haircutBps: number): bigint {
  if (priceUsd8 <= 0n) return 0n
  return floorDiv(amount * priceUsd8 * weightBps(amount, haircutBps), 10n ** BigInt(decimals) * BPS)
}

/** `1 − h` for an asset, `1 + h` for a liability, in bps. */
export function weightBps(amount: bigint, haircutBps: number): bigint {
  return amount < 0n ? BPS + BigInt(haircutBps) : BPS - BigInt(haircutBps)
}

function valueCollateralItem(item: CollateralItemInput): CollateralItemMargin {
  checkBps(item.haircutBps, `haircut of ${item.symbol}`)
  return {
    ...item,
    valueUsd8: collateralValueUsd8(item.amount, item.decimals, item.priceUsd8),
    weightedUsd8: collateralWeightedUsd8(item.amount, item.decimals, item.priceUsd8, item.haircutBps),
  }
}

function marginPosition(position: PositionInput): PositionMargin {
  checkBps(position.imfBps, `imf of ${position.market}`)
  checkBps(position.mmfBps, `mmf of ${position.market}`)
  const size = abs(position.size)
  const mark = position.markPrice < 0n ? 0n : position.markPrice
  return {
    ...position,
    notionalUsd8: positionNotionalUsd8(position.size, position.markPrice),
    unrealizedPnlUsd8: floorDiv(position.size * (position.markPrice - position.entryPrice), SIZE_SCALE),
    imUsd8: ceilDiv(size * mark * BigInt(position.imfBps), SIZE_SCALE * BPS),
    mmUsd8: ceilDiv(size * mark * BigInt(position.mmfBps), SIZE_SCALE * BPS),
  }
}

function checkBps(value: number, what: string) {
  if (!Number.isInteger(value) || value < 0 || value > 10_000) throw new RangeError(`The ${what} (${value} bps) is not within 0..10000.`)
}

/** `12500n` → `"1.2500"`, `-5n` → `"-0.0005"`. */
export function formatBps(bps: bigint): string {
  const sign = bps < 0n ? '-' : ''
  const a = abs(bps)
  return `${sign}${a / BPS}.${(a % BPS).toString().padStart(4, '0')}`
}
