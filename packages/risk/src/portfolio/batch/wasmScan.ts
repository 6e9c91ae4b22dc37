import { REGISTER_WIDTHS } from './scenarioMin.js'
import { body, F64, I32, name, op, section, uleb, V128, vec } from './wasmEncoding.js'
import { RECHECK_PARAMS, recheckBody } from './wasmRecheck.js'
import { type Emit, emitScan, MATRIX_BYTE, type ScanLocals, VECTORS } from './wasmScanCode.js'

export { MATRIX_BYTE } from './wasmScanCode.js'

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
 * [160, 200) outputs [min, second lowest, index of the min, Σ q·value, Σ |q|·contingency] (f64), [200, 204) the
 * count of full scans of the last `recheckRange` (u32), then the matrix from `MATRIX_BYTE`, then `moduleChunks`'
 * tables and chunk arrays. Function `scanN(S, valueByte)`: S scenarios, valueByte = 8·S (the value column; the
 * contingency column follows it). A row's pair (S − 1, S) reads the value column in its second lane when S is odd;
 * that lane is not used.
 */
export type WasmScan = {
  /** scan functions by width (`REGISTER_WIDTHS`) */
  readonly scan: ReadonlyMap<number, (S: number, valueByte: number) => void>
  /**
   * the re-check or the full revaluation of a chunk of accounts in one call (`recheckBody`; arguments
   * `RECHECK_PARAMS`, driven by `moduleChunks`); returns how many accounts it left to the caller
   */
  readonly recheckRange: (...args: number[]) => number
  /** copies the matrix into the instance (growing its memory when needed) */
  load(matrix: Float64Array): void
  /** first free byte after the matrix (8-aligned) */
  free: number
  /** grows the memory to at least `bytes` (views renewed) */
  reserve(bytes: number): void
  /** views of the instance's memory, renewed after it grows */
  i32: Int32Array
  u32: Uint32Array
  u16: Uint16Array
  f64: Float64Array
}

const Q_BYTE = 64
const OUT_BYTE = 160

/** The body of `scanN(S, valueByte)` for width n: b_j and q_j from the scratch area, outputs to it. */
function scanBody(n: number): number[] {
  const L: ScanLocals = {
    S: 0,
    valueByte: 1,
    b: (j) => 2 + j,
    s: 2 + n,
    k: 3 + n,
    w: 4 + n,
    q: (j) => 5 + n + j,
    x: 5 + 2 * n,
    min: 5 + 2 * n + VECTORS,
    next: 6 + 2 * n + VECTORS,
    t: 7 + 2 * n + VECTORS,
    out: op.i32(0),
    outOffset: OUT_BYTE,
  }
  const code: number[] = []
  const emit: Emit = (...parts) => {
    for (const p of parts) code.push(...p)
  }
  for (let j = 0; j < n; j++) emit(op.i32(0), op.i32Load(4 * j), op.set(L.b(j)))
  for (let j = 0; j < n; j++) emit(op.i32(0), op.f64Load(Q_BYTE + 8 * j), op.f64x2Splat, op.set(L.q(j)))
  emitScan(emit, n, L)
  return body([[...uleb(n + 3), I32], [...uleb(n + VECTORS), V128], [...uleb(3), F64]], code)
}

/**
 * The module's bytes: one `scanN` per width of `REGISTER_WIDTHS`, `recheckRange` (`wasmRecheck.ts`), and
 * its memory exported as `memory`.
 */
export function wasmScanModule(): Uint8Array {
  const widths = [...REGISTER_WIDTHS]
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(
      1,
      vec([
        [0x60, ...vec([[I32], [I32]]), 0],
        [0x60, ...vec(RECHECK_PARAMS.map(() => [I32])), ...vec([[I32]])],
      ]),
    ),
    ...section(3, vec([...widths.map(() => [0]), [1]])),
    ...section(5, vec([[0x00, ...uleb(2)]])),
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        ...widths.map((n, i) => [...name(`scan${n}`), 0x00, ...uleb(i)]),
        [...name('recheckRange'), 0x00, ...uleb(widths.length)],
      ]),
    ),
    ...section(10, vec([...widths.map((n) => scanBody(n)), recheckBody()])),
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
  const views = () => {
    self.i32 = new Int32Array(memory.buffer)
    self.u32 = new Uint32Array(memory.buffer)
    self.u16 = new Uint16Array(memory.buffer)
    self.f64 = new Float64Array(memory.buffer)
  }
  const self: WasmScan = {
    scan,
    recheckRange: instance.exports.recheckRange as WasmScan['recheckRange'],
    free: MATRIX_BYTE,
    i32: new Int32Array(0),
    u32: new Uint32Array(0),
    u16: new Uint16Array(0),
    f64: new Float64Array(0),
    reserve(bytes) {
      if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65_536))
      if (self.f64.buffer !== memory.buffer || self.f64.length === 0) views()
    },
    load(matrix) {
      // the last iteration may read up to 2·VECTORS − 1 numbers past a row's last scenario (ignored lanes)
      self.free = MATRIX_BYTE + matrix.byteLength + 16 * VECTORS
      self.reserve(self.free)
      self.f64.set(matrix, MATRIX_BYTE / 8)
    },
  }
  views()
  return self
}
