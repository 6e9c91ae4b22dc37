import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BatchTask } from './batchTask.js'
import { startBatchWorkers } from './batchWorkers.js'
import { createBatchResults } from './kernel.js'

const shared = <T extends Uint32Array | Uint16Array | Float64Array>(make: (b: SharedArrayBuffer) => T, bytes: number) => make(new SharedArrayBuffer(bytes))

// the package's build of the task code, as `pnpm build` writes it, into a scratch directory
const dir = mkdtempSync(join(tmpdir(), 'batch-bundle-'))
const bundle = pathToFileURL(join(dir, 'batchTask.mjs')).href
beforeAll(async () => {
  await build({ entryPoints: [fileURLToPath(new URL('./batchTask.ts', import.meta.url))], bundle: true, format: 'esm', platform: 'node', outfile: fileURLToPath(bundle), logLevel: 'warning' })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.each([
  ['the TypeScript sources through tsx', false as const],
  ["the package's build", bundle],
])('batch worker threads running %s', (_, entry) => {
  it("reject a task with the worker's error, and keep serving the next task", async () => {
    const workers = startBatchWorkers(1, { bundle: entry })
    try {
      // two accounts without positions; the task's slice names accounts that do not exist
      const accounts = {
        count: 2,
        positionStart: shared((b) => new Uint32Array(b), 12),
        positionInstrument: shared((b) => new Uint16Array(b), 2),
        positionQty: shared((b) => new Float64Array(b), 8),
        collateralStart: shared((b) => new Uint32Array(b), 12),
        collateralAsset: shared((b) => new Uint16Array(b), 2),
        collateralUnits: shared((b) => new Float64Array(b), 8),
        cashUsd: shared((b) => new Float64Array(b), 16).fill(5),
      }
      const prices = { S: 1, stride: 4, matrix: new Float64Array(4), nakedRateByUnderlying: new Float64Array(1), underlyingOf: new Uint16Array(0), zeroRow: 0 }
      const naked = { start: shared((b) => new Uint32Array(b), 12), underlying: new Uint16Array(0), units: new Float64Array(0) }
      const results = createBatchResults(2, { shared: true })
      const task = (bounds: number[]): BatchTask => ({ kind: 'revalue', bounds, next: new Int32Array(new SharedArrayBuffer(4)), accounts, prices, assetPrice: new Float64Array(0), naked, results })
      await expect(workers.run(0, task([0, 5]))).rejects.toThrow(/account range \[0, 5\) is outside \[0, 2\]/)
      expect(await workers.run(0, task([0, 2]))).toBe(2)
      // written by the worker thread into shared memory: cash only, no positions
      expect(Array.from(results.equityUsd)).toEqual([5, 5])
    } finally {
      await workers.close()
    }
  })
})
