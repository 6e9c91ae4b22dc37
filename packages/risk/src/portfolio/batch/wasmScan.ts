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
  /** the scans of a range of accounts in one call (`rangeBody`; all arguments i32, byte offsets into the memory) */
  readonly scanRange: (count: number, S: number, valueByte: number, zeroByte: number, rowBytes: number, startByte: number, instByte: number, qtyByte: number, outByte: number) => void
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
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32Or: [0x72],
  i32Eqz: [0x45],
  i32GtS: [0x4a],
  i32LeS: [0x4c],
  select: [0x1b],
  block: [0x02, 0x40],
  i32Load16U: (offset: number) => [0x2f, 1, ...uleb(offset)],
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

/** Local indices a scan uses (see `emitScan`). */
type ScanLocals = {
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
function emitScan(emit: (...parts: number[][]) => void, n: number, L: ScanLocals): void {
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
  emit(op.get(L.s), op.i32(16 * VECTORS), op.i32Add, op.set(L.s), op.get(L.k), op.i32(2 * VECTORS), op.i32Add, op.set(L.k))
  emit(op.get(L.k), op.get(L.S), op.i32LtS, op.brIf(0), op.end)
  emit(L.out, op.get(L.min), op.f64Store(L.outOffset), L.out, op.get(L.next), op.f64Store(L.outOffset + 8))
  emit(L.out, op.get(L.w), op.f64ConvertI32S, op.f64Store(L.outOffset + 16))
}

/** A function body from its local declarations and code. */
function body(locals: number[][], code: number[]): number[] {
  const all = [...vec(locals), ...code, ...op.end]
  return [...uleb(all.length), ...all]
}

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
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p)
  }
  for (let j = 0; j < n; j++) emit(op.i32(0), op.i32Load(4 * j), op.set(L.b(j)))
  for (let j = 0; j < n; j++) emit(op.i32(0), op.f64Load(Q_BYTE + 8 * j), op.f64x2Splat, op.set(L.q(j)))
  emitScan(emit, n, L)
  return body([[...uleb(n + 3), I32], [...uleb(n + VECTORS), V128], [...uleb(3), F64]], code)
}

/**
 * The body of `scanRange(count, S, valueByte, zeroByte, rowBytes, startByte, instByte, qtyByte, outByte)`: for each of
 * `count` accounts a, positions [start[a], start[a + 1]) of the u32 offsets at startByte (relative to the u16 rows at
 * instByte and f64 quantities at qtyByte; both readable 12 entries past the last account), the scan of its register
 * width (rows j ≥ n select the zero row at zeroByte and q = 0), outputs at outByte + 40·a. Accounts with no positions
 * or more than 12 are skipped (the caller handles them).
 */
function rangeBody(): number[] {
  const P = { count: 0, S: 1, valueByte: 2, zeroByte: 3, rowBytes: 4, startByte: 5, instByte: 6, qtyByte: 7, outByte: 8 }
  const a = 9
  const p0 = 10
  const n = 11
  const addr = 15
  const maxWidth = Math.max(...REGISTER_WIDTHS)
  const L: ScanLocals = {
    S: P.S,
    valueByte: P.valueByte,
    s: 12,
    k: 13,
    w: 14,
    b: (j) => 16 + j,
    q: (j) => 16 + maxWidth + j,
    x: 16 + 2 * maxWidth,
    min: 16 + 2 * maxWidth + VECTORS,
    next: 17 + 2 * maxWidth + VECTORS,
    t: 18 + 2 * maxWidth + VECTORS,
    out: op.get(addr),
    outOffset: 0,
  }
  const code: number[] = []
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p)
  }
  const startAddr = [...op.get(P.startByte), ...op.get(a), ...op.i32(2), ...op.i32Shl, ...op.i32Add]
  emit(op.block, op.get(P.count), op.i32Eqz, op.brIf(0), op.loop)
  emit(startAddr, op.i32Load(0), op.set(p0))
  emit(startAddr, op.i32Load(4), op.get(p0), op.i32Sub, op.set(n))
  emit(op.get(P.outByte), op.get(a), op.i32(40), op.i32Mul, op.i32Add, op.set(addr))
  emit(op.block, op.get(n), op.i32Eqz, op.get(n), op.i32(maxWidth), op.i32GtS, op.i32Or, op.brIf(0))
  const widths = [...REGISTER_WIDTHS]
  widths.forEach((width, i) => {
    const last = i === widths.length - 1
    if (!last) emit(op.get(n), op.i32(width), op.i32LeS, op.if)
    for (let j = 0; j < width; j++) {
      const present = [...op.i32(j), ...op.get(n), ...op.i32LtS]
      emit(op.get(P.instByte), op.get(p0), op.i32(1), op.i32Shl, op.i32Add, op.i32Load16U(2 * j), op.get(P.rowBytes), op.i32Mul, op.i32(MATRIX_BYTE), op.i32Add)
      emit(op.get(P.zeroByte), present, op.select, op.set(L.b(j)))
      emit(op.get(P.qtyByte), op.get(p0), op.i32(3), op.i32Shl, op.i32Add, op.f64Load(8 * j), op.f64Zero, present, op.select, op.f64x2Splat, op.set(L.q(j)))
    }
    emitScan(emit, width, L)
    if (!last) emit(op.else)
  })
  for (let i = 0; i < widths.length - 1; i++) emit(op.end)
  emit(op.end)
  emit(op.get(a), op.i32(1), op.i32Add, op.tee(a), op.get(P.count), op.i32LtS, op.brIf(0), op.end, op.end)
  return body([[...uleb(7 + maxWidth), I32], [...uleb(maxWidth + VECTORS), V128], [...uleb(3), F64]], code)
}

/** The module's bytes: one `scanN` per width of `REGISTER_WIDTHS`, and its memory exported as `memory`. */
export function wasmScanModule(): Uint8Array {
  const widths = [...REGISTER_WIDTHS]
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32]]), 0], [0x60, ...vec(Array.from({ length: 9 }, () => [I32])), 0]])),
    ...section(3, vec([...widths.map(() => [0]), [1]])),
    ...section(5, vec([[0x00, ...uleb(2)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], ...widths.map((n, i) => [...name(`scan${n}`), 0x00, ...uleb(i)]), [...name('scanRange'), 0x00, ...uleb(widths.length)]])),
    ...section(10, vec([...widths.map((n) => scanBody(n)), rangeBody()])),
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
    scanRange: instance.exports.scanRange as WasmScan['scanRange'],
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
