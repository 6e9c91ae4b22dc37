import { REGISTER_WIDTHS } from './scenarioMin.js'
import { op } from './wasmEncoding.js'

/**
 * Code of the WebAssembly scans (`wasmScan.ts`), emitted into any function that declares their locals: the sums of one
 * account's rows over every scenario, two scenarios per `f64x2` vector, IEEE-754 multiply and add per lane in the
 * JavaScript scans' order (`scenarioMin.ts`), so the results are the same float64s.
 */

/** Byte offset of the matrix in an instance's memory. */
export const MATRIX_BYTE = 256
/** vectors of two scenarios summed per loop iteration */
export const VECTORS = 2

/** Appends instructions to the function being built. */
export type Emit = (...parts: number[][]) => void

/** Local indices a scan uses (see `emitScan`). */
export type ScanLocals = {
  S: number
  valueByte: number
  b: (j: number) => number
  q: (j: number) => number
  s: number
  k: number
  w: number
  x: number
  min: number
  next: number
  t: number
  /** pushes the output address; outputs at offsets 0, 8, 16, 24, 32 from it */
  out: number[]
  outOffset: number
}

/**
 * The scan of width n once b_j (row byte offsets) and q_j (quantities splat into both lanes) are set: Σ q·value and
 * Σ |q|·contingency left to right, then the scenarios, VECTORS vectors (2·VECTORS scenarios) per iteration
 * (independent chains of additions the processor overlaps), then the outputs.
 */
export function emitScan(emit: Emit, n: number, L: ScanLocals): void {
  for (const [column, abs, at] of [[0, false, 24], [8, true, 32]] as const) {
    emit(L.out)
    for (let j = 0; j < n; j++) {
      emit(op.get(L.q(j)), op.f64x2Extract(0))
      if (abs) emit(op.f64Abs)
      emit(op.get(L.b(j)), op.get(L.valueByte), op.i32Add, op.f64Load(column), op.f64Mul)
      if (j > 0) emit(op.f64Add)
    }
    emit(op.f64Store(L.outOffset + at))
  }
  emit(op.f64Inf, op.set(L.min), op.f64Inf, op.set(L.next), op.i32(0), op.set(L.s), op.i32(0), op.set(L.k), op.i32(0), op.set(L.w))
  const update = (index: number[]) => [
    ...op.get(L.t), ...op.get(L.min), ...op.f64Lt,
    ...op.if,
    ...op.get(L.min), ...op.set(L.next), ...op.get(L.t), ...op.set(L.min), ...index, ...op.set(L.w),
    ...op.else,
    ...op.get(L.t), ...op.get(L.next), ...op.f64Lt, ...op.if, ...op.get(L.t), ...op.set(L.next), ...op.end,
    ...op.end,
  ]
  emit(op.loop)
  for (let j = 0; j < n; j++) {
    for (let v = 0; v < VECTORS; v++) {
      emit(op.get(L.q(j)), op.get(L.b(j)), op.get(L.s), op.i32Add, op.v128Load(16 * v), op.f64x2Mul)
      if (j > 0) emit(op.get(L.x + v), op.f64x2Add)
      emit(op.set(L.x + v))
    }
  }
  // the lanes update the lowest or second lowest only where a value is below the second lowest (min ≤ next, and
  // NaN compares false either way): one vector comparison skips the scalar updates of the iteration when none is
  for (let v = 0; v < VECTORS; v++) {
    emit(op.get(L.x + v), op.get(L.next), op.f64x2Splat, op.f64x2Lt)
    if (v > 0) emit(op.v128Or)
  }
  emit(op.v128AnyTrue, op.if)
  for (let v = 0; v < VECTORS; v++) {
    for (let lane = 0; lane < 2; lane++) {
      const d = 2 * v + lane
      const index = d === 0 ? op.get(L.k) : [...op.get(L.k), ...op.i32(d), ...op.i32Add]
      // scenario k + d exists (k < S holds in the loop)
      if (d > 0) emit(index, op.get(L.S), op.i32LtS, op.if)
      emit(op.get(L.x + v), op.f64x2Extract(lane), op.set(L.t), update(index))
      if (d > 0) emit(op.end)
    }
  }
  emit(op.end)
  emit(op.get(L.s), op.i32(16 * VECTORS), op.i32Add, op.set(L.s), op.get(L.k), op.i32(2 * VECTORS), op.i32Add, op.set(L.k))
  emit(op.get(L.k), op.get(L.S), op.i32LtS, op.brIf(0), op.end)
  emit(L.out, op.get(L.min), op.f64Store(L.outOffset), L.out, op.get(L.next), op.f64Store(L.outOffset + 8))
  emit(L.out, op.get(L.w), op.f64ConvertI32S, op.f64Store(L.outOffset + 16))
}


/** Locals holding one account's inputs for `emitWidthScan` (all i32; byte offsets into the memory). */
export type WidthScanInputs = {
  /** u16 instrument rows of the account's positions start at instByte + 2·p0 */
  instByte: number
  /** f64 quantities start at qtyByte + 8·p0 */
  qtyByte: number
  p0: number
  /** positions, 1 ≤ n ≤ the largest register width */
  n: number
  /** byte of the matrix's zero row */
  zeroByte: number
  /** bytes per matrix row */
  rowBytes: number
}

/**
 * The scan of the first register width ≥ n (`REGISTER_WIDTHS`): sets b_j and q_j from the account's positions (rows
 * j ≥ n select the zero row and q = 0, reading at most the largest width's entries past p0), then `emitScan`.
 */
export function emitWidthScan(emit: Emit, A: WidthScanInputs, L: ScanLocals): void {
  const widths = [...REGISTER_WIDTHS]
  widths.forEach((width, i) => {
    const last = i === widths.length - 1
    if (!last) emit(op.get(A.n), op.i32(width), op.i32LeS, op.if)
    for (let j = 0; j < width; j++) {
      const present = [...op.i32(j), ...op.get(A.n), ...op.i32LtS]
      emit(op.get(A.instByte), op.get(A.p0), op.i32(1), op.i32Shl, op.i32Add, op.i32Load16U(2 * j), op.get(A.rowBytes), op.i32Mul, op.i32(MATRIX_BYTE), op.i32Add)
      emit(op.get(A.zeroByte), present, op.select, op.set(L.b(j)))
      emit(op.get(A.qtyByte), op.get(A.p0), op.i32(3), op.i32Shl, op.i32Add, op.f64Load(8 * j), op.f64Zero, present, op.select, op.f64x2Splat, op.set(L.q(j)))
    }
    emitScan(emit, width, L)
    if (!last) emit(op.else)
  })
  for (let i = 0; i < widths.length - 1; i++) emit(op.end)
}
