/** Formats a fixed-point bigint: `formatFixed(123456789n, 8)` → `"1.23456789"`, trailing zeros trimmed. */
export function formatFixed(value: bigint, decimals: number): string {
  const sign = value < 0n ? '-' : ''
  const a = value < 0n ? -value : value
  if (decimals === 0) return `${sign}${a}`
  const scale = 10n ** BigInt(decimals)
  const frac = (a % scale).toString().padStart(decimals, '0').replace(/0+$/, '')
  return `${sign}${a / scale}${frac ? `.${frac}` : ''}`
}

/** A usd8 amount for people: `"1234.5"`. */
export const formatUsd8 = (value: bigint) => formatFixed(value, 8)

/** Unix seconds of a Date. */
export const toUnixSeconds = (date: Date) => BigInt(Math.floor(date.getTime() / 1000))
