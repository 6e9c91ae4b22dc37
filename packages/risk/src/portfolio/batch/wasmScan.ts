import { REGISTER_WIDTHS } from './scenarioMin.js'

/** The part of the WebAssembly JS API used here (the package's type libraries do not declare it). */
type WasmMemory = { readonly buffer: ArrayBuffer; grow(pages: number): number }
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: Record<string, unknown> }
}

/**
 * The `scanN` sums in WebAssembly with 128-bit SIMD: two scenarios per vector (`f64x2`), IEEE-754 multiply and add per
 * lane in the same order as the JavaScript scans (Σ_j left to right, no fused multiply-add), so every result is the
 * same float64, bit for bit (`wasmScan.test.ts` compares them). One function per register width; a module instance
 * per thread, with its own copy of the price matrix.
 *
 * Memory of the instance (bytes): [0, 48) row offsets b_j (i32, bytes into memory), [64, 160) quantities q_j (f64),
 * [160, 200) outputs [min, second lowest, index of the min, Σ q·value, Σ |q|·contingency] (f64), then the matrix from
 * `MATRIX_BYTE`. Function `scanN(S, valueByte)`: S scenarios, valueByte = 8·S (the value column; the contingency
 * column follows it). A row's pair (S − 1, S) reads the value column in its second lane when S is odd; that lane is
 * not used.
 */
export type WasmScan = {
  /** scan functions by width (`REGISTER_WIDTHS`) */
  readonly scan: ReadonlyMap<number, (S: number, valueByte: number) => void>
  /** copies the matrix into the instance (growing its memory when needed) */
  load(matrix: Float64Array): void
  /** views of the instance's memory, renewed after it grows */
  i32: Int32Array
  f64: Float64Array
}

/** Byte offset of the matrix in the instance's memory. */
export const MATRIX_BYTE = 256
const Q_BYTE = 64
const OUT_BYTE = 160
/** vectors of two scenarios summed per loop iteration */
const VECTORS = 2

const uleb = (n: number): number[] => {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}
const sleb = (n: number): number[] => {
  const out: number[] = []
  for (;;) {
    const b = n & 0x7f
    n >>= 7
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b]
    out.push(b | 0x80)
  }
}
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()]
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]

const I32 = 0x7f
const F64 = 0x7c
const V128 = 0x7b
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  f64Inf: [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f],
  i32Add: [0x6a],
  i32LtS: [0x48],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64Abs: [0x99],
  f64Lt: [0x63],
  f64ConvertI32S: [0xb7],
  i32Load: (offset: number) => [0x28, 2, ...uleb(offset)],
  f64Load: (offset: number) => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  v128Load: (offset: number) => [0xfd, 0x00, 3, ...uleb(offset)],
  f64x2Splat: [0xfd, 0x14],
  f64x2Extract: (lane: number) => [0xfd, 0x21, lane],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
  if: [0x04, 0x40],
  else: [0x05],
  loop: [0x03, 0x40],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  end: [0x0b],
}

/** The body of `scanN` for width n (parameters: 0 = S, 1 = valueByte). */
function scanBody(n: number): number[] {
  const b = (j: number) => 2 + j
  const s = 2 + n
  const k = 3 + n
  const w = 4 + n
  const q = (j: number) => 5 + n + j
  const x = 5 + 2 * n // VECTORS locals
  const min = 5 + 2 * n + VECTORS
  const next = 6 + 2 * n + VECTORS
  const t = 7 + 2 * n + VECTORS
  const code: number[] = []
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p)
  }
  for (let j = 0; j < n; j++) emit(op.i32(0), op.i32Load(4 * j), op.set(b(j)))
  for (let j = 0; j < n; j++) emit(op.i32(0), op.f64Load(Q_BYTE + 8 * j), op.f64x2Splat, op.set(q(j)))
  // Σ q·value and Σ |q|·contingency, left to right, stored at OUT + 24 and OUT + 32
  for (const [column, abs, at] of [[0, false, 24], [8, true, 32]] as const) {
    emit(op.i32(0))
    for (let j = 0; j < n; j++) {
      emit(op.i32(0), op.f64Load(Q_BYTE + 8 * j))
      if (abs) emit(op.f64Abs)
      emit(op.get(b(j)), op.get(1), op.i32Add, op.f64Load(column), op.f64Mul)
      if (j > 0) emit(op.f64Add)
    }
    emit(op.f64Store(OUT_BYTE + at))
  }
  emit(op.f64Inf, op.set(min), op.f64Inf, op.set(next))
  const update = (index: number[]) => [
    ...op.get(t), ...op.get(min), ...op.f64Lt,
    ...op.if,
    ...op.get(min), ...op.set(next), ...op.get(t), ...op.set(min), ...index, ...op.set(w),
    ...op.else,
    ...op.get(t), ...op.get(next), ...op.f64Lt, ...op.if, ...op.get(t), ...op.set(next), ...op.end,
    ...op.end,
  ]
  // VECTORS vectors (2·VECTORS scenarios) per iteration: independent chains of additions the processor overlaps
  emit(op.loop)
  for (let j = 0; j < n; j++) {
    for (let v = 0; v < VECTORS; v++) {
      emit(op.get(q(j)), op.get(b(j)), op.get(s), op.i32Add, op.v128Load(16 * v), op.f64x2Mul)
      if (j > 0) emit(op.get(x + v), op.f64x2Add)
      emit(op.set(x + v))
    }
  }
  for (let v = 0; v < VECTORS; v++) {
    for (let lane = 0; lane < 2; lane++) {
      const d = 2 * v + lane
      const index = d === 0 ? op.get(k) : [...op.get(k), ...op.i32(d), ...op.i32Add]
      // scenario k + d exists (k < S holds in the loop)
      if (d > 0) emit(index, op.get(0), op.i32LtS, op.if)
      emit(op.get(x + v), op.f64x2Extract(lane), op.set(t), update(index))
      if (d > 0) emit(op.end)
    }
  }
  emit(op.get(s), op.i32(16 * VECTORS), op.i32Add, op.set(s), op.get(k), op.i32(2 * VECTORS), op.i32Add, op.set(k))
  emit(op.get(k), op.get(0), op.i32LtS, op.brIf(0), op.end)
  emit(op.i32(0), op.get(min), op.f64Store(OUT_BYTE), op.i32(0), op.get(next), op.f64Store(OUT_BYTE + 8))
  emit(op.i32(0), op.get(w), op.f64ConvertI32S, op.f64Store(OUT_BYTE + 16))
  emit(op.end)
  const locals = vec([[...uleb(n + 3), I32], [...uleb(n + VECTORS), V128], [...uleb(3), F64]])
  const body = [...locals, ...code]
  return [...uleb(body.length), ...body]
}

/** The module's bytes: one `scanN` per width of `REGISTER_WIDTHS`, and its memory exported as `memory`. */
export function wasmScanModule(): Uint8Array {
  const widths = [...REGISTER_WIDTHS]
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32]]), 0]])),
    ...section(3, vec(widths.map(() => [0]))),
    ...section(5, vec([[0x00, ...uleb(2)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], ...widths.map((n, i) => [...name(`scan${n}`), 0x00, ...uleb(i)])])),
    ...section(10, vec(widths.map((n) => scanBody(n)))),
  ])
}

/**
 * Instantiates the module on this thread, or returns null when WebAssembly SIMD is unavailable (the kernel then uses
 * the JavaScript scans).
 */
export function createWasmScan(): WasmScan | null {
  const bytes = wasmScanModule()
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return null
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes))
  const memory = instance.exports.memory as WasmMemory
  const scan = new Map(REGISTER_WIDTHS.map((n) => [n as number, instance.exports[`scan${n}`] as (S: number, valueByte: number) => void]))
  const self: WasmScan = {
    scan,
    i32: new Int32Array(memory.buffer),
    f64: new Float64Array(memory.buffer),
    load(matrix) {
      // the last iteration may read up to 2·VECTORS − 1 numbers past a row's last scenario (ignored lanes)
      const need = MATRIX_BYTE + matrix.byteLength + 16 * VECTORS
      if (need > memory.buffer.byteLength) {
        memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65_536))
        self.i32 = new Int32Array(memory.buffer)
        self.f64 = new Float64Array(memory.buffer)
      }
      self.f64.set(matrix, MATRIX_BYTE / 8)
    },
  }
  return self
}
