/**
 * One account's scenario sums over a fixed number of rows held in registers, one function per width (written out so
 * that the row bases and quantities stay in registers). `scanN(M, S, W, Z, inst, qty, p0, n, out)` reads the
 * account's n ≤ N positions at p0 (rows beyond n are padded with the matrix's zero row at offset Z, q = 0: exact
 * zeros) and writes into `out`:
 *   [0] min over s of pnl[s] = Σ_j q_j·M[b_j + s], summed left to right (position order, as the per-account engine),
 *   [1] the second-lowest pnl (equal to the min on a tie), [2] the index of the min (first on ties),
 *   [3] Σ_j q_j·value_j, [4] Σ_j |q_j|·contingency_j (columns S and S + 1 of the rows).
 * Four scenarios per iteration give the processor independent sums to overlap (each sum is a chain of dependent
 * additions). Widths: `REGISTER_WIDTHS`; longer books use `minOfMany`.
 */

/** Widths of the register sums, ascending: an account of n positions uses the first width ≥ n. */
export const REGISTER_WIDTHS = [4, 8, 9, 10, 12] as const

/** The register width for n positions (0 when n is above the largest: `minOfMany`). */
export function registerWidth(n: number): number {
  for (const w of REGISTER_WIDTHS) if (n <= w) return w
  return 0
}

/** `scan` over 4 rows (books of 1-4 positions). */
export function scan4(M: Float64Array, S: number, W: number, Z: number, inst: Uint16Array, qty: Float64Array, p0: number, n: number, out: Float64Array): void {
  const b0 = inst[p0]! * W
  const b1 = n > 1 ? inst[p0 + 1]! * W : Z
  const b2 = n > 2 ? inst[p0 + 2]! * W : Z
  const b3 = n > 3 ? inst[p0 + 3]! * W : Z
  const q0 = qty[p0]!
  const q1 = n > 1 ? qty[p0 + 1]! : 0
  const q2 = n > 2 ? qty[p0 + 2]! : 0
  const q3 = n > 3 ? qty[p0 + 3]! : 0
  out[3] = q0 * M[b0 + S]! + q1 * M[b1 + S]! + q2 * M[b2 + S]! + q3 * M[b3 + S]!
  out[4] = Math.abs(q0) * M[b0 + S + 1]! + Math.abs(q1) * M[b1 + S + 1]! + Math.abs(q2) * M[b2 + S + 1]! + Math.abs(q3) * M[b3 + S + 1]!
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
  // the last S mod 4 scenarios, one at a time
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
  out[0] = min
  out[1] = next
  out[2] = w
}

/** `scan` over 8 rows (books of 5-8 positions). */
export function scan8(M: Float64Array, S: number, W: number, Z: number, inst: Uint16Array, qty: Float64Array, p0: number, n: number, out: Float64Array): void {
  const b0 = inst[p0]! * W
  const b1 = n > 1 ? inst[p0 + 1]! * W : Z
  const b2 = n > 2 ? inst[p0 + 2]! * W : Z
  const b3 = n > 3 ? inst[p0 + 3]! * W : Z
  const b4 = n > 4 ? inst[p0 + 4]! * W : Z
  const b5 = n > 5 ? inst[p0 + 5]! * W : Z
  const b6 = n > 6 ? inst[p0 + 6]! * W : Z
  const b7 = n > 7 ? inst[p0 + 7]! * W : Z
  const q0 = qty[p0]!
  const q1 = n > 1 ? qty[p0 + 1]! : 0
  const q2 = n > 2 ? qty[p0 + 2]! : 0
  const q3 = n > 3 ? qty[p0 + 3]! : 0
  const q4 = n > 4 ? qty[p0 + 4]! : 0
  const q5 = n > 5 ? qty[p0 + 5]! : 0
  const q6 = n > 6 ? qty[p0 + 6]! : 0
  const q7 = n > 7 ? qty[p0 + 7]! : 0
  out[3] = q0 * M[b0 + S]! + q1 * M[b1 + S]! + q2 * M[b2 + S]! + q3 * M[b3 + S]! + q4 * M[b4 + S]! + q5 * M[b5 + S]! + q6 * M[b6 + S]! + q7 * M[b7 + S]!
  out[4] = Math.abs(q0) * M[b0 + S + 1]! + Math.abs(q1) * M[b1 + S + 1]! + Math.abs(q2) * M[b2 + S + 1]! + Math.abs(q3) * M[b3 + S + 1]! + Math.abs(q4) * M[b4 + S + 1]! + Math.abs(q5) * M[b5 + S + 1]! + Math.abs(q6) * M[b6 + S + 1]! + Math.abs(q7) * M[b7 + S + 1]!
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
  // the last S mod 4 scenarios, one at a time
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
  out[0] = min
  out[1] = next
  out[2] = w
}

/** `scan` over 9 rows (books of 9-9 positions). */
export function scan9(M: Float64Array, S: number, W: number, Z: number, inst: Uint16Array, qty: Float64Array, p0: number, n: number, out: Float64Array): void {
  const b0 = inst[p0]! * W
  const b1 = n > 1 ? inst[p0 + 1]! * W : Z
  const b2 = n > 2 ? inst[p0 + 2]! * W : Z
  const b3 = n > 3 ? inst[p0 + 3]! * W : Z
  const b4 = n > 4 ? inst[p0 + 4]! * W : Z
  const b5 = n > 5 ? inst[p0 + 5]! * W : Z
  const b6 = n > 6 ? inst[p0 + 6]! * W : Z
  const b7 = n > 7 ? inst[p0 + 7]! * W : Z
  const b8 = n > 8 ? inst[p0 + 8]! * W : Z
  const q0 = qty[p0]!
  const q1 = n > 1 ? qty[p0 + 1]! : 0
  const q2 = n > 2 ? qty[p0 + 2]! : 0
  const q3 = n > 3 ? qty[p0 + 3]! : 0
  const q4 = n > 4 ? qty[p0 + 4]! : 0
  const q5 = n > 5 ? qty[p0 + 5]! : 0
  const q6 = n > 6 ? qty[p0 + 6]! : 0
  const q7 = n > 7 ? qty[p0 + 7]! : 0
  const q8 = n > 8 ? qty[p0 + 8]! : 0
  out[3] = q0 * M[b0 + S]! + q1 * M[b1 + S]! + q2 * M[b2 + S]! + q3 * M[b3 + S]! + q4 * M[b4 + S]! + q5 * M[b5 + S]! + q6 * M[b6 + S]! + q7 * M[b7 + S]! + q8 * M[b8 + S]!
  out[4] = Math.abs(q0) * M[b0 + S + 1]! + Math.abs(q1) * M[b1 + S + 1]! + Math.abs(q2) * M[b2 + S + 1]! + Math.abs(q3) * M[b3 + S + 1]! + Math.abs(q4) * M[b4 + S + 1]! + Math.abs(q5) * M[b5 + S + 1]! + Math.abs(q6) * M[b6 + S + 1]! + Math.abs(q7) * M[b7 + S + 1]! + Math.abs(q8) * M[b8 + S + 1]!
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
  // the last S mod 4 scenarios, one at a time
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
  out[0] = min
  out[1] = next
  out[2] = w
}

/** `scan` over 10 rows (books of 10-10 positions). */
export function scan10(M: Float64Array, S: number, W: number, Z: number, inst: Uint16Array, qty: Float64Array, p0: number, n: number, out: Float64Array): void {
  const b0 = inst[p0]! * W
  const b1 = n > 1 ? inst[p0 + 1]! * W : Z
  const b2 = n > 2 ? inst[p0 + 2]! * W : Z
  const b3 = n > 3 ? inst[p0 + 3]! * W : Z
  const b4 = n > 4 ? inst[p0 + 4]! * W : Z
  const b5 = n > 5 ? inst[p0 + 5]! * W : Z
  const b6 = n > 6 ? inst[p0 + 6]! * W : Z
  const b7 = n > 7 ? inst[p0 + 7]! * W : Z
  const b8 = n > 8 ? inst[p0 + 8]! * W : Z
  const b9 = n > 9 ? inst[p0 + 9]! * W : Z
  const q0 = qty[p0]!
  const q1 = n > 1 ? qty[p0 + 1]! : 0
  const q2 = n > 2 ? qty[p0 + 2]! : 0
  const q3 = n > 3 ? qty[p0 + 3]! : 0
  const q4 = n > 4 ? qty[p0 + 4]! : 0
  const q5 = n > 5 ? qty[p0 + 5]! : 0
  const q6 = n > 6 ? qty[p0 + 6]! : 0
  const q7 = n > 7 ? qty[p0 + 7]! : 0
  const q8 = n > 8 ? qty[p0 + 8]! : 0
  const q9 = n > 9 ? qty[p0 + 9]! : 0
  out[3] = q0 * M[b0 + S]! + q1 * M[b1 + S]! + q2 * M[b2 + S]! + q3 * M[b3 + S]! + q4 * M[b4 + S]! + q5 * M[b5 + S]! + q6 * M[b6 + S]! + q7 * M[b7 + S]! + q8 * M[b8 + S]! + q9 * M[b9 + S]!
  out[4] = Math.abs(q0) * M[b0 + S + 1]! + Math.abs(q1) * M[b1 + S + 1]! + Math.abs(q2) * M[b2 + S + 1]! + Math.abs(q3) * M[b3 + S + 1]! + Math.abs(q4) * M[b4 + S + 1]! + Math.abs(q5) * M[b5 + S + 1]! + Math.abs(q6) * M[b6 + S + 1]! + Math.abs(q7) * M[b7 + S + 1]! + Math.abs(q8) * M[b8 + S + 1]! + Math.abs(q9) * M[b9 + S + 1]!
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
  // the last S mod 4 scenarios, one at a time
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
  out[0] = min
  out[1] = next
  out[2] = w
}

/** `scan` over 12 rows (books of 11-12 positions). */
export function scan12(M: Float64Array, S: number, W: number, Z: number, inst: Uint16Array, qty: Float64Array, p0: number, n: number, out: Float64Array): void {
  const b0 = inst[p0]! * W
  const b1 = n > 1 ? inst[p0 + 1]! * W : Z
  const b2 = n > 2 ? inst[p0 + 2]! * W : Z
  const b3 = n > 3 ? inst[p0 + 3]! * W : Z
  const b4 = n > 4 ? inst[p0 + 4]! * W : Z
  const b5 = n > 5 ? inst[p0 + 5]! * W : Z
  const b6 = n > 6 ? inst[p0 + 6]! * W : Z
  const b7 = n > 7 ? inst[p0 + 7]! * W : Z
  const b8 = n > 8 ? inst[p0 + 8]! * W : Z
  const b9 = n > 9 ? inst[p0 + 9]! * W : Z
  const b10 = n > 10 ? inst[p0 + 10]! * W : Z
  const b11 = n > 11 ? inst[p0 + 11]! * W : Z
  const q0 = qty[p0]!
  const q1 = n > 1 ? qty[p0 + 1]! : 0
  const q2 = n > 2 ? qty[p0 + 2]! : 0
  const q3 = n > 3 ? qty[p0 + 3]! : 0
  const q4 = n > 4 ? qty[p0 + 4]! : 0
  const q5 = n > 5 ? qty[p0 + 5]! : 0
  const q6 = n > 6 ? qty[p0 + 6]! : 0
  const q7 = n > 7 ? qty[p0 + 7]! : 0
  const q8 = n > 8 ? qty[p0 + 8]! : 0
  const q9 = n > 9 ? qty[p0 + 9]! : 0
  const q10 = n > 10 ? qty[p0 + 10]! : 0
  const q11 = n > 11 ? qty[p0 + 11]! : 0
  out[3] = q0 * M[b0 + S]! + q1 * M[b1 + S]! + q2 * M[b2 + S]! + q3 * M[b3 + S]! + q4 * M[b4 + S]! + q5 * M[b5 + S]! + q6 * M[b6 + S]! + q7 * M[b7 + S]! + q8 * M[b8 + S]! + q9 * M[b9 + S]! + q10 * M[b10 + S]! + q11 * M[b11 + S]!
  out[4] = Math.abs(q0) * M[b0 + S + 1]! + Math.abs(q1) * M[b1 + S + 1]! + Math.abs(q2) * M[b2 + S + 1]! + Math.abs(q3) * M[b3 + S + 1]! + Math.abs(q4) * M[b4 + S + 1]! + Math.abs(q5) * M[b5 + S + 1]! + Math.abs(q6) * M[b6 + S + 1]! + Math.abs(q7) * M[b7 + S + 1]! + Math.abs(q8) * M[b8 + S + 1]! + Math.abs(q9) * M[b9 + S + 1]! + Math.abs(q10) * M[b10 + S + 1]! + Math.abs(q11) * M[b11 + S + 1]!
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
  // the last S mod 4 scenarios, one at a time
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
  out[0] = min
  out[1] = next
  out[2] = w
}

/**
 * Entries [0] to [2] of `out` as `scanN` writes them, for a book longer than the widest register sum, with an
 * accumulator (sums still left to right in position order).
 */
export function minOfMany(M: Float64Array, S: number, W: number, p0: number, p1: number, inst: Uint16Array, qty: Float64Array, acc: Float64Array, out: Float64Array): void {
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
  out[0] = min
  out[1] = next
  out[2] = w
}
