const USD8 = 10n ** 8n
const grouped = new Intl.NumberFormat('en-US')

/** `"123456789012"` (usd8, USD with 8 decimals) → `"$1,234.56"`: exact, truncated to the cent. */
export function usd8(value: string | bigint): string {
  const v = BigInt(value)
  const abs = v < 0n ? -v : v
  const cents = ((abs % USD8) / 10n ** 6n).toString().padStart(2, '0')
  return `${v < 0n ? '−' : ''}$${grouped.format(abs / USD8)}.${cents}`
}

/** A decimal string the API formats for display (`"1234.5"`) shown with grouping and at most `digits` decimals. */
export function decimal(value: string, digits = 4): string {
  const [whole = '0', fraction = ''] = value.split('.')
  const negative = whole.startsWith('-')
  const digitsOnly = negative ? whole.slice(1) : whole
  const shown = fraction.slice(0, digits).replace(/0+$/, '')
  return `${negative ? '−' : ''}${grouped.format(BigInt(digitsOnly || '0'))}${shown ? `.${shown}` : ''}`
}

/** Health as the API gives it (equity / MM, 4 decimals), `∞` without a maintenance requirement. */
export const health = (value: string | null) => (value === null ? '∞' : value)

/** `0x1234…abcd` */
export const shortHex = (value: string) => (value.length > 14 ? `${value.slice(0, 6)}…${value.slice(-4)}` : value)

/** Milliseconds as `850 ms` or `12.4 s`. */
export const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)
