/** Throws a RangeError unless `value` is a finite number > 0. */
export function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`The ${name} (${value}) must be a finite number > 0.`)
}

/** Throws a RangeError unless `value` is a finite number ≥ 0. */
export function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`The ${name} (${value}) must be a finite number ≥ 0.`)
}

/** Throws a RangeError unless `value` is a finite number. */
export function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`The ${name} (${value}) must be a finite number.`)
}

/** Throws a RangeError unless `right` is `'call'` or `'put'` (guards untyped callers). */
export function requireRight(right: string): void {
  if (right !== 'call' && right !== 'put') throw new RangeError(`The option right (${right}) must be 'call' or 'put'.`)
}
