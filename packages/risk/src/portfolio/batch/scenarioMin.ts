/**
 * min over scenarios s of Σ_{j<n} q_j·M[b_j + s], summed left to right (position order, as the per-account engine
 * sums), for a fixed number n of rows held in registers: the index of the min in `argmin[0]` (first on ties) and the
 * second-lowest value in `second[0]` (equal to the min on a tie). One function per width, written out so that the n
 * bases and quantities stay in registers; 4 scenarios per iteration give the processor independent sums to
 * overlap (each sum is a chain of dependent additions). Rows beyond an account's positions are padded by the
 * caller with the matrix's zero row (q = 0), which adds exact zeros.
 * Widths: `REGISTER_WIDTHS`; longer books use `minOfMany`.
 */

/** Widths of the register sums, ascending: an account of n positions uses the first width ≥ n. */
export const REGISTER_WIDTHS = [4, 8, 9, 10, 12] as const

/** The register width for n positions (0 when n is above the largest: `minOfMany`). */
export function registerWidth(n: number): number {
  for (const w of REGISTER_WIDTHS) if (n <= w) return w
  return 0
}

export function minOf4(
  M: Float64Array,
  S: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  argmin: Int32Array,
  second: Float64Array,
): number {
  let min = Number.POSITIVE_INFINITY
  let next = Number.POSITIVE_INFINITY
  let w = 0
  let s = 0
  for (; s + 3 < S; s += 4) {
    const x0 = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]!
    const s1 = s + 1
    const x1 = q0 * M[b0 + s1]! + q1 * M[b1 + s1]! + q2 * M[b2 + s1]! + q3 * M[b3 + s1]!
    const s2 = s + 2
    const x2 = q0 * M[b0 + s2]! + q1 * M[b1 + s2]! + q2 * M[b2 + s2]! + q3 * M[b3 + s2]!
    const s3 = s + 3
    const x3 = q0 * M[b0 + s3]! + q1 * M[b1 + s3]! + q2 * M[b2 + s3]! + q3 * M[b3 + s3]!
    if (x0 < min) {
      next = min
      min = x0
      w = s
    } else if (x0 < next) next = x0
    if (x1 < min) {
      next = min
      min = x1
      w = s1
    } else if (x1 < next) next = x1
    if (x2 < min) {
      next = min
      min = x2
      w = s2
    } else if (x2 < next) next = x2
    if (x3 < min) {
      next = min
      min = x3
      w = s3
    } else if (x3 < next) next = x3
  }
  // the last S mod U scenarios, one at a time
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  argmin[0] = w
  second[0] = next
  return min
}

export function minOf8(
  M: Float64Array,
  S: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  b4: number,
  b5: number,
  b6: number,
  b7: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
  q6: number,
  q7: number,
  argmin: Int32Array,
  second: Float64Array,
): number {
  let min = Number.POSITIVE_INFINITY
  let next = Number.POSITIVE_INFINITY
  let w = 0
  let s = 0
  for (; s + 3 < S; s += 4) {
    const x0 = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]!
    const s1 = s + 1
    const x1 = q0 * M[b0 + s1]! + q1 * M[b1 + s1]! + q2 * M[b2 + s1]! + q3 * M[b3 + s1]! + q4 * M[b4 + s1]! + q5 * M[b5 + s1]! + q6 * M[b6 + s1]! + q7 * M[b7 + s1]!
    const s2 = s + 2
    const x2 = q0 * M[b0 + s2]! + q1 * M[b1 + s2]! + q2 * M[b2 + s2]! + q3 * M[b3 + s2]! + q4 * M[b4 + s2]! + q5 * M[b5 + s2]! + q6 * M[b6 + s2]! + q7 * M[b7 + s2]!
    const s3 = s + 3
    const x3 = q0 * M[b0 + s3]! + q1 * M[b1 + s3]! + q2 * M[b2 + s3]! + q3 * M[b3 + s3]! + q4 * M[b4 + s3]! + q5 * M[b5 + s3]! + q6 * M[b6 + s3]! + q7 * M[b7 + s3]!
    if (x0 < min) {
      next = min
      min = x0
      w = s
    } else if (x0 < next) next = x0
    if (x1 < min) {
      next = min
      min = x1
      w = s1
    } else if (x1 < next) next = x1
    if (x2 < min) {
      next = min
      min = x2
      w = s2
    } else if (x2 < next) next = x2
    if (x3 < min) {
      next = min
      min = x3
      w = s3
    } else if (x3 < next) next = x3
  }
  // the last S mod U scenarios, one at a time
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  argmin[0] = w
  second[0] = next
  return min
}

export function minOf9(
  M: Float64Array,
  S: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  b4: number,
  b5: number,
  b6: number,
  b7: number,
  b8: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
  q6: number,
  q7: number,
  q8: number,
  argmin: Int32Array,
  second: Float64Array,
): number {
  let min = Number.POSITIVE_INFINITY
  let next = Number.POSITIVE_INFINITY
  let w = 0
  let s = 0
  for (; s + 3 < S; s += 4) {
    const x0 = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]!
    const s1 = s + 1
    const x1 = q0 * M[b0 + s1]! + q1 * M[b1 + s1]! + q2 * M[b2 + s1]! + q3 * M[b3 + s1]! + q4 * M[b4 + s1]! + q5 * M[b5 + s1]! + q6 * M[b6 + s1]! + q7 * M[b7 + s1]! + q8 * M[b8 + s1]!
    const s2 = s + 2
    const x2 = q0 * M[b0 + s2]! + q1 * M[b1 + s2]! + q2 * M[b2 + s2]! + q3 * M[b3 + s2]! + q4 * M[b4 + s2]! + q5 * M[b5 + s2]! + q6 * M[b6 + s2]! + q7 * M[b7 + s2]! + q8 * M[b8 + s2]!
    const s3 = s + 3
    const x3 = q0 * M[b0 + s3]! + q1 * M[b1 + s3]! + q2 * M[b2 + s3]! + q3 * M[b3 + s3]! + q4 * M[b4 + s3]! + q5 * M[b5 + s3]! + q6 * M[b6 + s3]! + q7 * M[b7 + s3]! + q8 * M[b8 + s3]!
    if (x0 < min) {
      next = min
      min = x0
      w = s
    } else if (x0 < next) next = x0
    if (x1 < min) {
      next = min
      min = x1
      w = s1
    } else if (x1 < next) next = x1
    if (x2 < min) {
      next = min
      min = x2
      w = s2
    } else if (x2 < next) next = x2
    if (x3 < min) {
      next = min
      min = x3
      w = s3
    } else if (x3 < next) next = x3
  }
  // the last S mod U scenarios, one at a time
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  argmin[0] = w
  second[0] = next
  return min
}

export function minOf10(
  M: Float64Array,
  S: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  b4: number,
  b5: number,
  b6: number,
  b7: number,
  b8: number,
  b9: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
  q6: number,
  q7: number,
  q8: number,
  q9: number,
  argmin: Int32Array,
  second: Float64Array,
): number {
  let min = Number.POSITIVE_INFINITY
  let next = Number.POSITIVE_INFINITY
  let w = 0
  let s = 0
  for (; s + 3 < S; s += 4) {
    const x0 = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]!
    const s1 = s + 1
    const x1 = q0 * M[b0 + s1]! + q1 * M[b1 + s1]! + q2 * M[b2 + s1]! + q3 * M[b3 + s1]! + q4 * M[b4 + s1]! + q5 * M[b5 + s1]! + q6 * M[b6 + s1]! + q7 * M[b7 + s1]! + q8 * M[b8 + s1]! + q9 * M[b9 + s1]!
    const s2 = s + 2
    const x2 = q0 * M[b0 + s2]! + q1 * M[b1 + s2]! + q2 * M[b2 + s2]! + q3 * M[b3 + s2]! + q4 * M[b4 + s2]! + q5 * M[b5 + s2]! + q6 * M[b6 + s2]! + q7 * M[b7 + s2]! + q8 * M[b8 + s2]! + q9 * M[b9 + s2]!
    const s3 = s + 3
    const x3 = q0 * M[b0 + s3]! + q1 * M[b1 + s3]! + q2 * M[b2 + s3]! + q3 * M[b3 + s3]! + q4 * M[b4 + s3]! + q5 * M[b5 + s3]! + q6 * M[b6 + s3]! + q7 * M[b7 + s3]! + q8 * M[b8 + s3]! + q9 * M[b9 + s3]!
    if (x0 < min) {
      next = min
      min = x0
      w = s
    } else if (x0 < next) next = x0
    if (x1 < min) {
      next = min
      min = x1
      w = s1
    } else if (x1 < next) next = x1
    if (x2 < min) {
      next = min
      min = x2
      w = s2
    } else if (x2 < next) next = x2
    if (x3 < min) {
      next = min
      min = x3
      w = s3
    } else if (x3 < next) next = x3
  }
  // the last S mod U scenarios, one at a time
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  argmin[0] = w
  second[0] = next
  return min
}

export function minOf12(
  M: Float64Array,
  S: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  b4: number,
  b5: number,
  b6: number,
  b7: number,
  b8: number,
  b9: number,
  b10: number,
  b11: number,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  q4: number,
  q5: number,
  q6: number,
  q7: number,
  q8: number,
  q9: number,
  q10: number,
  q11: number,
  argmin: Int32Array,
  second: Float64Array,
): number {
  let min = Number.POSITIVE_INFINITY
  let next = Number.POSITIVE_INFINITY
  let w = 0
  let s = 0
  for (; s + 3 < S; s += 4) {
    const x0 = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]! + q10 * M[b10 + s]! + q11 * M[b11 + s]!
    const s1 = s + 1
    const x1 = q0 * M[b0 + s1]! + q1 * M[b1 + s1]! + q2 * M[b2 + s1]! + q3 * M[b3 + s1]! + q4 * M[b4 + s1]! + q5 * M[b5 + s1]! + q6 * M[b6 + s1]! + q7 * M[b7 + s1]! + q8 * M[b8 + s1]! + q9 * M[b9 + s1]! + q10 * M[b10 + s1]! + q11 * M[b11 + s1]!
    const s2 = s + 2
    const x2 = q0 * M[b0 + s2]! + q1 * M[b1 + s2]! + q2 * M[b2 + s2]! + q3 * M[b3 + s2]! + q4 * M[b4 + s2]! + q5 * M[b5 + s2]! + q6 * M[b6 + s2]! + q7 * M[b7 + s2]! + q8 * M[b8 + s2]! + q9 * M[b9 + s2]! + q10 * M[b10 + s2]! + q11 * M[b11 + s2]!
    const s3 = s + 3
    const x3 = q0 * M[b0 + s3]! + q1 * M[b1 + s3]! + q2 * M[b2 + s3]! + q3 * M[b3 + s3]! + q4 * M[b4 + s3]! + q5 * M[b5 + s3]! + q6 * M[b6 + s3]! + q7 * M[b7 + s3]! + q8 * M[b8 + s3]! + q9 * M[b9 + s3]! + q10 * M[b10 + s3]! + q11 * M[b11 + s3]!
    if (x0 < min) {
      next = min
      min = x0
      w = s
    } else if (x0 < next) next = x0
    if (x1 < min) {
      next = min
      min = x1
      w = s1
    } else if (x1 < next) next = x1
    if (x2 < min) {
      next = min
      min = x2
      w = s2
    } else if (x2 < next) next = x2
    if (x3 < min) {
      next = min
      min = x3
      w = s3
    } else if (x3 < next) next = x3
  }
  // the last S mod U scenarios, one at a time
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]! + q10 * M[b10 + s]! + q11 * M[b11 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]! + q10 * M[b10 + s]! + q11 * M[b11 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  if (s < S) {
    const x = q0 * M[b0 + s]! + q1 * M[b1 + s]! + q2 * M[b2 + s]! + q3 * M[b3 + s]! + q4 * M[b4 + s]! + q5 * M[b5 + s]! + q6 * M[b6 + s]! + q7 * M[b7 + s]! + q8 * M[b8 + s]! + q9 * M[b9 + s]! + q10 * M[b10 + s]! + q11 * M[b11 + s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
    s++
  }
  argmin[0] = w
  second[0] = next
  return min
}

/** The same for books longer than the widest register sum, with an accumulator (sums still left to right in position order). */
export function minOfMany(
  M: Float64Array,
  S: number,
  W: number,
  p0: number,
  p1: number,
  inst: Uint16Array,
  qty: Float64Array,
  acc: Float64Array,
  argmin: Int32Array,
  second: Float64Array,
): number {
  const b0 = inst[p0]! * W
  const q0 = qty[p0]!
  for (let s = 0; s < S; s++) acc[s] = q0 * M[b0 + s]!
  for (let p = p0 + 1; p < p1; p++) {
    const b = inst[p]! * W
    const q = qty[p]!
    for (let s = 0; s < S; s++) acc[s] = acc[s]! + q * M[b + s]!
  }
  let min = Number.POSITIVE_INFINITY
  let next = Number.POSITIVE_INFINITY
  let w = 0
  for (let s = 0; s < S; s++) {
    const x = acc[s]!
    if (x < min) {
      next = min
      min = x
      w = s
    } else if (x < next) next = x
  }
  argmin[0] = w
  second[0] = next
  return min
}
