import { formatUnits } from 'viem'

/** An integer as the hub sends it (a decimal string) or as parsed. */
export type IntegerLike = bigint | string | number

const toBigInt = (value: IntegerLike): bigint => (typeof value === 'bigint' ? value : BigInt(value))

/**
 * `value` (an integer with `decimals` implied decimals) as a decimal string: exact, trailing zeros dropped, or with
 * `fractionDigits` exactly that many digits, rounded half away from zero.
 */
function formatScaled(value: bigint, decimals: number, fractionDigits: number | undefined): string {
  if (fractionDigits === undefined || fractionDigits >= decimals) {
    const exact = formatUnits(value, decimals)
    if (fractionDigits === undefined) return exact
    const [whole, fraction = ''] = exact.split('.')
    return fractionDigits === 0 ? whole! : `${whole}.${fraction.padEnd(fractionDigits, '0')}`
  }
  const scale = 10n ** BigInt(decimals - fractionDigits)
  const magnitude = value < 0n ? -value : value
  const rounded = (magnitude + scale / 2n) / scale
  return formatScaled(value < 0n && rounded > 0n ? -rounded : rounded, fractionDigits, fractionDigits)
}

/**
 * A usd8 value (USD with 8 decimals, as every `...Usd8` field) as a decimal string of dollars.
 * @param options.fractionDigits digits after the point, rounded half away from zero (default: exact, no trailing zeros)
 * @throws {SyntaxError} when a string is not a decimal integer; {RangeError} for a non-integer number
 * @example formatUsd8('290050000000') // '2900.5'; formatUsd8(290050000000n, { fractionDigits: 2 }) // '2900.50'
 */
export function formatUsd8(value: IntegerLike, options: { fractionDigits?: number } = {}): string {
  return formatScaled(toBigInt(value), 8, options.fractionDigits)
}

/**
 * A token amount in base units (as `amount` fields) as a decimal string of whole tokens.
 * @param decimals the token's decimals (`collateral[].decimals`, `GET /v1/assets`)
 * @param options.fractionDigits digits after the point, rounded half away from zero (default: exact)
 * @throws {SyntaxError} when a string is not a decimal integer; {RangeError} for a non-integer number
 * @example formatAmount('1500000', 6) // '1.5'
 */
export function formatAmount(amount: IntegerLike, decimals: number, options: { fractionDigits?: number } = {}): string {
  return formatScaled(toBigInt(amount), decimals, options.fractionDigits)
}

/**
 * Basis points as a percentage: `250` → `'2.5%'`.
 * @param options.fractionDigits digits after the point, rounded half away from zero (default: exact)
 * @throws {SyntaxError} when a string is not a decimal integer; {RangeError} for a non-integer number
 */
export function formatBps(bps: IntegerLike, options: { fractionDigits?: number } = {}): string {
  return `${formatScaled(toBigInt(bps), 2, options.fractionDigits)}%`
}

/**
 * An account's health (`healthBps`: equity / maintenance margin in bps) as a percentage, `15234` → `'152.34%'`
 * (below `'100%'` the account is liquidatable); null for an account without a maintenance requirement.
 * @param options.fractionDigits digits after the point, rounded half away from zero (default 2)
 * @throws {SyntaxError} when a string is not a decimal integer
 * @example formatHealth(view.healthBps) // '152.34%' or null
 */
export function formatHealth(healthBps: IntegerLike | null, options: { fractionDigits?: number } = {}): string | null {
  return healthBps === null ? null : formatBps(healthBps, { fractionDigits: options.fractionDigits ?? 2 })
}
