import { DeriveCaseError } from './errors.js'

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/
const SCIENTIFIC = /^(-?)(\d+)(?:\.(\d*))?e([-+]?\d+)$/i

/**
 * A JSON decimal (number or string) as 1e18 fixed point, the way Derive's case runner reads it (`_toBNInt`): digits
 * past the 18th decimal are truncated toward zero. A JSON number is taken in its shortest round-trip form (what the
 * runner's JSON reader prints); exponent forms are expanded exactly.
 * @param path field name used in the error
 * @throws DeriveCaseError when the value is not a finite decimal
 */
export function toE18(value: unknown, path: string): bigint {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new DeriveCaseError(path, `expected a finite number, got ${value}`)
    text = expandExponent(String(value))
  } else if (typeof value === 'string') {
    text = expandExponent(value.trim())
  } else {
    throw new DeriveCaseError(path, `expected a decimal number or string, got ${describe(value)}`)
  }
  if (!DECIMAL.test(text)) throw new DeriveCaseError(path, `expected a decimal, got "${String(value)}"`)
  const negative = text.startsWith('-')
  const [whole = '', frac = ''] = (negative ? text.slice(1) : text).split('.')
  const digits = `${whole}${frac.slice(0, 18).padEnd(18, '0')}`
  const magnitude = BigInt(digits === '' ? '0' : digits)
  return negative ? -magnitude : magnitude
}

/** A non-negative whole number of seconds (JSON number or digit string). @throws DeriveCaseError */
export function toSeconds(value: unknown, path: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
  throw new DeriveCaseError(path, `expected whole seconds ≥ 0, got ${describe(value)}`)
}

/** A boolean given as true/false or 1/0. @throws DeriveCaseError */
export function toBool(value: unknown, path: string): boolean {
  if (value === true || value === 1) return true
  if (value === false || value === 0) return false
  throw new DeriveCaseError(path, `expected true/false or 1/0, got ${describe(value)}`)
}

/** 1e18 fixed point to a JS number (for display and float comparisons). */
export function fromE18(x: bigint): number {
  const negative = x < 0n
  const m = negative ? -x : x
  const whole = m / 10n ** 18n
  const frac = (m % 10n ** 18n).toString().padStart(18, '0')
  return Number(`${negative ? '-' : ''}${whole}.${frac}`)
}

function expandExponent(text: string): string {
  const m = SCIENTIFIC.exec(text)
  if (!m) return text
  const [, sign = '', whole = '', frac = '', expText = '0'] = m
  const exponent = Number(expText)
  const digits = `${whole}${frac}`
  const point = whole.length + exponent
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** Short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${JSON.stringify(value)}`
}
