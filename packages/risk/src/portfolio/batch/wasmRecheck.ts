import { REGISTER_WIDTHS } from './scenarioMin.js'
import { body, F64, I32, op, uleb, V128 } from './wasmEncoding.js'
import { type Emit, emitWidthScan, MATRIX_BYTE, type ScanLocals, VECTORS } from './wasmScanCode.js'

/**
 * Margin, relative to the account's gross scenario P&L Σ|qty|·max|row| (rows of the ticked underlying counted at their
 * max |P&L| before plus after the tick) plus |W| + 1, that the re-check's shortcut must clear. The float sums of up to
 * twelve terms err by less than 2e-15 of that gross; 1e-10 leaves room for the bound's own arithmetic (its
 * mid/half-width form errs by a few 1e-16 of the change's scale).
 */
export const CERTIFY_SLACK = 1e-10

/** float64s per instrument row of the re-check's table: value, contingency, mid, half-width + slack (`recheckTable`) */
export const RECHECK_ROW = 4

/** The i32 parameters of `recheckRange`, in order (byte offsets into the instance's memory unless said otherwise). */
export const RECHECK_PARAMS = [
  'count', // exposed accounts in the chunk
  'S',
  'valueByte', // 8·S
  'zeroByte', // the matrix's zero row
  'rowBytes', // 8·stride
  'listByte', // u32 × count: the exposed accounts, relative to the chunk's first account, ascending
  'startByte', // u32 position offsets of the chunk's accounts (one more than the accounts), not rebased
  'pBase', // the first of those offsets (a number, not a byte)
  'instByte', // u16 instrument rows of the chunk's positions (readable 12 entries past the last)
  'qtyByte', // f64 quantities, the same
  'tableByte', // f64 × RECHECK_ROW per instrument row
  'cStartByte', // u32 collateral offsets, not rebased
  'cBase',
  'cAssetByte', // u16
  'cUnitsByte', // f64
  'assetByte', // f64 asset prices by asset row
  'nStartByte', // u32 naked-short offsets, not rebased
  'nBase',
  'nUnderByte', // u16
  'nUnitsByte', // f64
  'rateByte', // f64 naked-short rate by underlying
  'cashByte', // f64 per chunk account
  'equityByte', // f64 per chunk account: results, read (min, gap, worst) and written in place
  'riskByte',
  'minByte',
  'gapByte',
  'worstByte', // u16
  'skipByte', // u32 × count: accounts left to the caller (no positions, more than 12, or no worst scenario yet)
  'mode', // RECHECK_FULL | RECHECK_DENSE bits (a number)
] as const

/** `mode` bit: every account revalued in full (a revaluation of the chunk; the table and the old results not read) */
export const RECHECK_FULL = 1
/** `mode` bit: the chunk's accounts are 0 .. count − 1 of its span (no list read) */
export const RECHECK_DENSE = 2

/** bytes of the scratch area the full scans write their outputs to (the `scanN` outputs, unused meanwhile) */
const SCAN_OUT_BYTE = 160
/** byte where `recheckRange` leaves how many accounts it revalued in full (u32) */
export const RECHECK_FULL_BYTE = 200

/**
 * The body of `recheckRange(...RECHECK_PARAMS) → skipped`: `recheckAccounts`' loop over a chunk of exposed accounts,
 * every operation in the JavaScript order so the results are the same float64s. Per account: Σ_j (q_j, |q_j|)·(value,
 * contingency) and the bound's sums (Σ q·mid, Σ |q|·(half + slack)) in `f64x2` lanes, the old worst scenario's
 * P&L Σ q·row[s₀]; then either the shortcut (the old worst scenario still below every other's bound) or the full scan
 * of its register width; then equity (cash + collateral + value) and the naked-short charges. Returns how many
 * accounts it left to the caller, listed at skipByte, and stores how many it revalued in full at `RECHECK_FULL_BYTE`.
 * With `RECHECK_FULL` in `mode` every account takes the full scan: the same outputs as the kernel's revaluation.
 */
export function recheckBody(): number[] {
  const P = Object.fromEntries(RECHECK_PARAMS.map((p, i) => [p, i])) as Record<(typeof RECHECK_PARAMS)[number], number>
  const maxWidth = Math.max(...REGISTER_WIDTHS)
  let next = RECHECK_PARAMS.length
  const i32s = ['k', 'a', 'p0', 'n', 's0', 'ia', 'qa', 'j', 'c', 'c1', 'skips', 'fulls', 'full', 'row', 'inst', 'scanS', 'scanK', 'scanW'] as const
  const I = Object.fromEntries(i32s.map((x) => [x, next++])) as Record<(typeof i32s)[number], number>
  const b0 = next
  next += maxWidth
  const f64s = ['q', 'x', 'w', 'g', 'cut', 'value', 'cont', 'min', 'equity', 'next', 't'] as const
  const F = Object.fromEntries(f64s.map((x) => [x, next++])) as Record<(typeof f64s)[number], number>
  const v128s = ['P', 'VC', 'L'] as const
  const V = Object.fromEntries(v128s.map((x) => [x, next++])) as Record<(typeof v128s)[number], number>
  const q0 = next
  next += maxWidth
  const x0 = next
  const L: ScanLocals = {
    S: P.S,
    valueByte: P.valueByte,
    b: (j) => b0 + j,
    q: (j) => q0 + j,
    s: I.scanS,
    k: I.scanK,
    w: I.scanW,
    x: x0,
    min: F.min,
    next: F.next,
    t: F.t,
    out: op.i32(SCAN_OUT_BYTE),
    outOffset: 0,
  }
  const code: number[] = []
  const emit: Emit = (...parts) => {
    for (const p of parts) code.push(...p)
  }
  const at = (base: number, index: number, shift: number) => [...op.get(base), ...op.get(index), ...op.i32(shift), ...op.i32Shl, ...op.i32Add]
  // (q, |q|): lane 1 with its sign bit cleared
  const absLane1 = op.v128Const([0xffffffff, 0xffffffff, 0xffffffff, 0x7fffffff])
  const position = (first: boolean) => {
    emit(op.get(I.ia), op.i32Load16U(0), op.set(I.inst))
    emit(op.get(I.inst), op.get(P.rowBytes), op.i32Mul, op.i32(MATRIX_BYTE), op.i32Add, op.set(I.row))
    emit(op.get(I.qa), op.f64Load(0), op.tee(F.q), op.f64x2Splat, absLane1, op.v128And, op.set(V.P))
    // the table row of the instrument: [value, contingency] [mid, half-width + slack]
    emit(op.get(P.tableByte), op.get(I.inst), op.i32(8 * RECHECK_ROW), op.i32Mul, op.i32Add, op.set(I.c))
    for (const [acc, offset] of [[V.VC, 0], [V.L, 16]] as const) {
      emit(op.get(V.P), op.get(I.c), op.v128Load(offset), op.f64x2Mul)
      if (!first) emit(op.get(acc), op.f64x2Add)
      emit(op.set(acc))
    }
    emit(op.get(F.q), op.get(I.row), op.get(I.s0), op.i32(3), op.i32Shl, op.i32Add, op.f64Load(0), op.f64Mul)
    if (!first) emit(op.get(F.x), op.f64Add)
    emit(op.set(F.x))
  }
  const load32 = (base: number, index: number, offset: number) => [...at(base, index, 2), ...op.i32Load(offset)]
  const mode = (bit: number) => [...op.get(P.mode), ...op.i32(bit), ...op.i32And]
  emit(op.block, op.get(P.count), op.i32Eqz, op.brIf(0), op.loop, op.block)
  // the account, its positions and its worst scenario
  emit(mode(RECHECK_DENSE), op.if, op.get(I.k), op.set(I.a), op.else, load32(P.listByte, I.k, 0), op.set(I.a), op.end)
  emit(load32(P.startByte, I.a, 0), op.get(P.pBase), op.i32Sub, op.set(I.p0))
  emit(load32(P.startByte, I.a, 4), op.get(P.pBase), op.i32Sub, op.get(I.p0), op.i32Sub, op.set(I.n))
  emit(mode(RECHECK_FULL), op.set(I.full))
  emit(op.get(I.full), op.if, op.i32(0), op.set(I.s0), op.else, at(P.worstByte, I.a, 1), op.i32Load16U(0), op.set(I.s0), op.end)
  emit(op.get(I.n), op.i32Eqz, op.get(I.n), op.i32(maxWidth), op.i32GtS, op.i32Or, op.get(I.s0), op.i32(0xffff), op.i32Eq, op.i32Or, op.if)
  emit(at(P.skipByte, I.skips, 2), op.get(I.a), op.i32Store(0), op.get(I.skips), op.i32(1), op.i32Add, op.set(I.skips), op.br(1), op.end)
  emit(op.get(I.full), op.i32Eqz, op.if)
  emit(at(P.instByte, I.p0, 1), op.set(I.ia), at(P.qtyByte, I.p0, 3), op.set(I.qa))
  position(true)
  emit(op.i32(1), op.set(I.j), op.block, op.loop, op.get(I.j), op.get(I.n), op.i32LtS, op.i32Eqz, op.brIf(1))
  emit(op.get(I.ia), op.i32(2), op.i32Add, op.set(I.ia), op.get(I.qa), op.i32(8), op.i32Add, op.set(I.qa))
  position(false)
  emit(op.get(I.j), op.i32(1), op.i32Add, op.set(I.j), op.br(0), op.end, op.end)
  // the padding of the register width: + 0 (turns a −0 into +0, as the kernel's zero rows do)
  const isWidth = REGISTER_WIDTHS.flatMap((width, i) => [...op.get(I.n), ...op.i32(width), ...op.i32Eq, ...(i > 0 ? op.i32Or : [])])
  emit(isWidth, op.i32Eqz, op.if)
  emit(op.get(V.VC), op.v128Const([0, 0, 0, 0]), op.f64x2Add, op.set(V.VC), op.get(F.x), op.f64Zero, op.f64Add, op.set(F.x), op.end)
  // cut = (w + g + (Σ q·mid − Σ |q|·(half + slack))) − SLACK·(|w| + 1)
  emit(at(P.minByte, I.a, 3), op.f64Load(0), op.set(F.w), at(P.gapByte, I.a, 3), op.f64Load(0), op.set(F.g))
  emit(op.get(F.w), op.get(F.g), op.f64Add, op.get(V.L), op.f64x2Extract(0), op.get(V.L), op.f64x2Extract(1), op.f64Sub, op.f64Add)
  emit(op.f64(CERTIFY_SLACK), op.get(F.w), op.f64Abs, op.f64(1), op.f64Add, op.f64Mul, op.f64Sub, op.set(F.cut))
  emit(op.get(F.x), op.get(F.cut), op.f64Lt, op.if)
  // shortcut: the worst scenario stays; the gap bound becomes the margin cleared
  emit(op.get(F.x), op.set(F.min), at(P.gapByte, I.a, 3), op.get(F.cut), op.get(F.x), op.f64Sub, op.f64Store(0))
  emit(op.get(V.VC), op.f64x2Extract(0), op.set(F.value), op.get(V.VC), op.f64x2Extract(1), op.set(F.cont))
  emit(op.else, op.i32(1), op.set(I.full), op.end, op.end)
  // the full scan of the register width
  emit(op.get(I.full), op.if)
  emitWidthScan(emit, { instByte: P.instByte, qtyByte: P.qtyByte, p0: I.p0, n: I.n, zeroByte: P.zeroByte, rowBytes: P.rowBytes }, L)
  emit(op.get(I.fulls), op.i32(1), op.i32Add, op.set(I.fulls))
  emit(at(P.gapByte, I.a, 3), op.get(F.next), op.get(F.min), op.f64Sub, op.f64Store(0))
  emit(at(P.worstByte, I.a, 1), op.get(I.scanW), op.i32Store16(0))
  emit(op.i32(SCAN_OUT_BYTE), op.f64Load(24), op.set(F.value), op.i32(SCAN_OUT_BYTE), op.f64Load(32), op.set(F.cont))
  emit(op.end)
  // equity = cash + Σ units·price + Σ q·value; contingency + Σ naked units·rate
  emit(at(P.cashByte, I.a, 3), op.f64Load(0), op.set(F.equity))
  const items = (startByte: number, base: number, kindByte: number, unitsByte: number, priceByte: number, acc: number) => {
    emit(load32(startByte, I.a, 0), op.get(base), op.i32Sub, op.set(I.c), load32(startByte, I.a, 4), op.get(base), op.i32Sub, op.set(I.c1))
    emit(op.block, op.loop, op.get(I.c), op.get(I.c1), op.i32LtS, op.i32Eqz, op.brIf(1))
    emit(op.get(acc), at(unitsByte, I.c, 3), op.f64Load(0), op.get(priceByte), at(kindByte, I.c, 1), op.i32Load16U(0), op.i32(3), op.i32Shl, op.i32Add, op.f64Load(0), op.f64Mul, op.f64Add, op.set(acc))
    emit(op.get(I.c), op.i32(1), op.i32Add, op.set(I.c), op.br(0), op.end, op.end)
  }
  items(P.cStartByte, P.cBase, P.cAssetByte, P.cUnitsByte, P.assetByte, F.equity)
  emit(op.get(F.equity), op.get(F.value), op.f64Add, op.set(F.equity))
  items(P.nStartByte, P.nBase, P.nUnderByte, P.nUnitsByte, P.rateByte, F.cont)
  emit(at(P.equityByte, I.a, 3), op.get(F.equity), op.f64Store(0))
  emit(at(P.riskByte, I.a, 3), op.get(F.min), op.f64Neg, op.f64Zero, op.get(F.min), op.f64Zero, op.f64Lt, op.select, op.get(F.cont), op.f64Add, op.f64Store(0))
  emit(at(P.minByte, I.a, 3), op.get(F.min), op.f64Store(0))
  emit(op.end)
  emit(op.get(I.k), op.i32(1), op.i32Add, op.tee(I.k), op.get(P.count), op.i32LtS, op.brIf(0), op.end, op.end)
  emit(op.i32(RECHECK_FULL_BYTE), op.get(I.fulls), op.i32Store(0), op.get(I.skips))
  return body(
    [
      [...uleb(i32s.length + maxWidth), I32],
      [...uleb(f64s.length), F64],
      [...uleb(v128s.length + maxWidth + VECTORS), V128],
    ],
    code,
  )
}
