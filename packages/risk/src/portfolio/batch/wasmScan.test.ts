import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { REGISTER_WIDTHS, scan4, scan8, scan9, scan10, scan12 } from './scenarioMin.js'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { accountWithWrappedArb, market } from '../testing/arbitraries.js'
import { createBatchEngine } from './createBatchEngine.js'
import { createBatchResults, revalueAccounts } from './kernel.js'
import { createWasmScan, MATRIX_BYTE } from './wasmScan.js'

const js = new Map([
  [4, scan4],
  [8, scan8],
  [9, scan9],
  [10, scan10],
  [12, scan12],
])

describe('WebAssembly scans', () => {
  it('are available on this Node (SIMD), so the kernel does not fall back to the JavaScript scans', () => {
    expect(createWasmScan()).not.toBeNull()
  })

  it('give bit for bit the JavaScript scans: lowest, second lowest, its index, value and contingency sums', () => {
    const wasm = createWasmScan()!
    const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, -0, 1e-300, -5e-324))
    fc.assert(
      fc.property(
        fc.constantFrom(...REGISTER_WIDTHS),
        fc.integer({ min: 1, max: 45 }),
        fc.integer({ min: 2, max: 16 }),
        fc.infiniteStream(value),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (width, S, rows, values, seed) => {
          const W = S + 3
          const M = new Float64Array((rows + 1) * W)
          const it = values[Symbol.iterator]()
          for (let i = 0; i < rows * W; i++) M[i] = it.next().value as number
          const Z = rows * W
          const n = 1 + (seed % width)
          const inst = Uint16Array.from({ length: n }, (_, j) => (seed >>> j) % rows)
          const qty = Float64Array.from({ length: n }, () => it.next().value as number)
          const expected = new Float64Array(5)
          js.get(width)!(M, S, W, Z, inst, qty, 0, n, expected)
          wasm.load(M)
          for (let j = 0; j < width; j++) {
            wasm.i32[j] = MATRIX_BYTE + (j < n ? inst[j]! * W : Z) * 8
            wasm.f64[8 + j] = j < n ? qty[j]! : 0
          }
          wasm.scan.get(width)!(S, 8 * S)
          for (let k = 0; k < 5; k++) expect(Object.is(wasm.f64[20 + k], expected[k]), `output ${k}`).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('revalue a contiguous range chunk by chunk with the bits of the account-by-account scans', () => {
    const batch = createBatchEngine(createPortfolioEngine())
    // 2 500 accounts: three chunks of `recheckRange` revaluing in full, the last one partial
    const list = fc.sample(accountWithWrappedArb, { numRuns: 2_500, seed: 23 })
    const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
    const book = batch.load(accounts, assetPrice, market)
    const one = createBatchResults(accounts.count)
    // a list of accounts (not a range) goes account by account
    revalueAccounts(accounts, book.prices, assetPrice, book.naked, one, Uint32Array.from({ length: accounts.count }, (_, a) => a))
    const all = createBatchResults(accounts.count)
    revalueAccounts(accounts, book.prices, assetPrice, book.naked, all)
    for (const key of ['equityUsd', 'riskUsd', 'minPnlUsd', 'gapUsd', 'worstScenario'] as const) {
      const bits = (x: Float64Array | Uint16Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)
      expect(bits(all[key]).equals(bits(one[key])), key).toBe(true)
    }
  })
})
