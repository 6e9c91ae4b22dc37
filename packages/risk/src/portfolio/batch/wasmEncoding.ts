/**
 * The WebAssembly binary encoding used by the batch kernel's hand-built module (WebAssembly Core Specification 2.0,
 * §5 "Binary Format"; SIMD opcodes from §5.4.8): LEB128 integers, vectors, sections, value types and the instructions
 * the scans and the re-check emit. Each instruction is a function or constant returning its bytes.
 */

/** unsigned LEB128 */
export const uleb = (n: number): number[] => {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}
/** signed LEB128 (32-bit) */
export const sleb = (n: number): number[] => {
  const out: number[] = []
  for (;;) {
    const b = n & 0x7f
    n >>= 7
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b]
    out.push(b | 0x80)
  }
}
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()]
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]

export const I32 = 0x7f
export const F64 = 0x7c
export const V128 = 0x7b

/** little-endian bytes of a float64 */
const f64Bytes = (x: number): number[] => Array.from(new Uint8Array(Float64Array.of(x).buffer))

export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  f64: (x: number) => [0x44, ...f64Bytes(x)],
  f64Inf: [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f],
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32LeS: [0x4c],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Shl: [0x74],
  f64Lt: [0x63],
  f64Abs: [0x99],
  f64Neg: [0x9a],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64ConvertI32S: [0xb7],
  select: [0x1b],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  i32Load: (offset: number) => [0x28, 2, ...uleb(offset)],
  i32Load16U: (offset: number) => [0x2f, 1, ...uleb(offset)],
  f64Load: (offset: number) => [0x2b, 3, ...uleb(offset)],
  i32Store: (offset: number) => [0x36, 2, ...uleb(offset)],
  i32Store16: (offset: number) => [0x3b, 1, ...uleb(offset)],
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  v128Load: (offset: number) => [0xfd, 0x00, 3, ...uleb(offset)],
  /** a v128 constant of two float64 lanes given by their bit patterns (lane 0 first, each as [low, high] u32) */
  v128Const: (lanes: readonly [number, number, number, number]) => [0xfd, 0x0c, ...Array.from(new Uint8Array(Uint32Array.from(lanes).buffer))],
  v128And: [0xfd, 0x4e],
  v128Or: [0xfd, 0x50],
  v128AnyTrue: [0xfd, 0x53],
  f64x2Lt: [0xfd, 0x49],
  f64x2Splat: [0xfd, 0x14],
  f64x2Extract: (lane: number) => [0xfd, 0x21, lane],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
}

/** A function body from its local declarations (`[count, type]` runs) and code. */
export function body(locals: number[][], code: number[]): number[] {
  const all = [...vec(locals), ...code, ...op.end]
  return [...uleb(all.length), ...all]
}
