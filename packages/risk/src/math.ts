/** Floor division for signed bigints (rounds toward −∞, unlike `/` which truncates toward 0). */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('Division by zero.')
  const q = a / b
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q
}

/** Ceiling division for signed bigints (rounds toward +∞). */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b)
}

export function abs(a: bigint): bigint {
  return a < 0n ? -a : a
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}

export const BPS = 10_000n
/** Position sizes carry 18 decimals. */
export const SIZE_SCALE = 10n ** 18n
