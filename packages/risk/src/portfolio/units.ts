import { floorDiv } from '../math.js'

/** 1 USD in usd8 units, as a float. */
export const USD8 = 1e8
/** One unit of size (18 decimals), as a float. */
export const SIZE = 1e18
/**
 * Relative widening applied before a float is rounded to usd8, so that float64 accumulation error (≈ 1e-16 per
 * operation, relative to the gross amounts summed) can never round in the account's favour.
 */
export const FLOAT_SLACK = 1e-12

/** usd8 (or any fixed-point bigint) → float in whole units. Exact below 2^53 units, relative error ≤ 2^-53 above. */
export function fixedToFloat(value: bigint, scale: number): number {
  return Number(value) / scale
}

/**
 * A float USD amount that counts for the account (equity, P&L) → usd8, rounded down after subtracting the slack
 * `FLOAT_SLACK × gross` (gross = the largest magnitude summed into it, ≥ |x|).
 */
export function usd8Down(x: number, gross = Math.abs(x)): bigint {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot convert ${x} USD to usd8.`)
  return BigInt(Math.floor(x * USD8 - (Math.abs(gross) * USD8 * FLOAT_SLACK)))
}

/** A float USD amount that counts against the account (requirements, losses) → usd8, rounded up after adding the slack. */
export function usd8Up(x: number, gross = Math.abs(x)): bigint {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot convert ${x} USD to usd8.`)
  return BigInt(Math.ceil(x * USD8 + (Math.abs(gross) * USD8 * FLOAT_SLACK)))
}

/** Health in bps (10 000 = 1.0) rounded down, null when there is no requirement. */
export function healthBpsOf(equityUsd8: bigint, mmUsd8: bigint): bigint | null {
  return mmUsd8 <= 0n ? null : floorDiv(equityUsd8 * 10_000n, mmUsd8)
}
