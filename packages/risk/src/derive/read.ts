import { describe, toBool, toE18, toSeconds } from './decimal.js'
import { DeriveCaseError } from './errors.js'

/** A JSON object read with field-named errors; `path` is the object's own path. */
export class JsonReader {
  constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
  ) {}

  /** Wraps `value` after checking it is a plain object. @throws DeriveCaseError */
  static of(value: unknown, path: string): JsonReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DeriveCaseError(path, `expected an object, got ${describe(value)}`)
    }
    return new JsonReader(value as Record<string, unknown>, path)
  }

  /** Full path of a field. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`
  }

  /** The raw field value. @throws DeriveCaseError when missing */
  raw(key: string): unknown {
    const v = this.value[key]
    if (v === undefined) throw new DeriveCaseError(this.at(key), 'missing')
    return v
  }

  /** A nested object. */
  object(key: string): JsonReader {
    return JsonReader.of(this.raw(key), this.at(key))
  }

  /** An array field; `optional` reads a missing one as empty (Derive's runner counts items while they exist). */
  array(key: string, optional = false): unknown[] {
    if (optional && this.value[key] === undefined) return []
    const v = this.raw(key)
    if (!Array.isArray(v)) throw new DeriveCaseError(this.at(key), `expected an array, got ${describe(v)}`)
    return v
  }

  /** A decimal field as 1e18 fixed point. */
  e18(key: string): bigint {
    return toE18(this.raw(key), this.at(key))
  }

  /** A non-negative decimal field as 1e18 fixed point. */
  e18NonNegative(key: string): bigint {
    const v = this.e18(key)
    if (v < 0n) throw new DeriveCaseError(this.at(key), 'must not be negative')
    return v
  }

  /** Whole seconds. */
  seconds(key: string): bigint {
    return toSeconds(this.raw(key), this.at(key))
  }

  /** true/false or 1/0. */
  bool(key: string): boolean {
    return toBool(this.raw(key), this.at(key))
  }

  /** A string field. */
  string(key: string): string {
    const v = this.raw(key)
    if (typeof v !== 'string') throw new DeriveCaseError(this.at(key), `expected a string, got ${describe(v)}`)
    return v
  }
}
