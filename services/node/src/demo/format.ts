import { formatUnits } from 'viem'

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/**
 * Formats a fixed-point integer for people: `decimals` of scale, `shown` decimals kept (truncated toward zero),
 * thousands grouped. `formatFixed(123456789012n, 8)` → `1,234.56`.
 */
export function formatFixed(value: bigint | string, decimals: number, shown = 2): string {
  const text = formatUnits(BigInt(value), decimals)
  const negative = text.startsWith('-')
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.')
  const frac = shown > 0 ? `.${fraction.padEnd(shown, '0').slice(0, shown)}` : ''
  return `${negative ? '-' : ''}${group(whole)}${frac}`
}

/** USD with 8 decimals → `$1,234.56`. */
export const usd = (usd8: bigint | string) => {
  const s = formatFixed(usd8, 8)
  return s.startsWith('-') ? `-$${s.slice(1)}` : `$${s}`
}

/** A health string from the API (`equity / MM`, or null without a requirement) for a timeline column. */
export const health = (h: string | null | undefined) => (h === null || h === undefined ? '∞' : Number(h).toFixed(2))
