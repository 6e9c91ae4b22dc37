import { InvalidInputError } from '../errors.js'
import type { Instrument } from '../types.js'

/**
 * A stable, human-readable key of an instrument: `BTC-PERP`, `BTC-FUT-2026-12-25T08:00:00Z`,
 * `BTC-2026-12-25T08:00:00Z-100000-C`. Equal descriptors give equal keys (positions with one key are netted).
 * @throws {InvalidInputError} on an empty underlying, a non-integer expiry or a non-positive strike
 */
export function instrumentKey(instrument: Instrument): string {
  if (!instrument.underlying) throw new InvalidInputError('An instrument needs an underlying.')
  switch (instrument.kind) {
    case 'perp':
      return `${instrument.underlying}-PERP`
    case 'future':
      return `${instrument.underlying}-FUT-${expiry(instrument.expiryMs)}`
    case 'option': {
      if (instrument.strikeUsd8 <= 0n) throw new InvalidInputError(`The strike of a ${instrument.underlying} option must be > 0.`)
      return `${instrument.underlying}-${expiry(instrument.expiryMs)}-${usd8String(instrument.strikeUsd8)}-${instrument.right === 'call' ? 'C' : 'P'}`
    }
    default:
      throw new InvalidInputError(`Unknown instrument kind ${(instrument as { kind: string }).kind}.`)
  }
}

function expiry(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new InvalidInputError(`The expiry ${ms} is not an integer number of unix ms.`)
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

/** `10000050000000n` → `"100000.5"` */
function usd8String(v: bigint): string {
  const whole = v / 100_000_000n
  const frac = (v % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : `${whole}`
}
