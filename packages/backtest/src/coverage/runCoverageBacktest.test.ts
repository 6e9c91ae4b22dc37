import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { kupiecPof } from './kupiec.js'
import { runCoverageBacktest } from './runCoverageBacktest.js'

const dataDir = fileURLToPath(new URL('../../../../../shared/data/prices/perp_1h', import.meta.url))

describe('runCoverageBacktest on the 2020-2024 hourly perpetuals', () => {
  it('finds the volatility-driven grid passing Kupiec and Christoffersen on every book with less capital than the static grid', async () => {
    const out = mkdtempSync(join(tmpdir(), 'coverage-'))
    try {
      // stride 4 = the horizon: the same non-overlapping test sample as an every-hour run, a quarter of the work
      const report = await runCoverageBacktest({ dataDir, strideHours: 4, outDir: out })
      const stats = (book: string, model: string) => report.stats.find((s) => s.book === book && s.model === model)!
      const books = [...new Set(report.stats.map((s) => s.book))].filter((b) => b !== 'all books')
      expect(books).toHaveLength(13)
      // the goal, checked: every book and the pool pass both tests at the 5% level, and need less capital
      for (const book of [...books, 'all books']) {
        const v = stats(book, 'volatility')
        const s = stats(book, 'static')
        expect({ book, kupiec: v.kupiec.pValue >= 0.05, independence: v.christoffersen.pValue >= 0.05 }).toEqual({ book, kupiec: true, independence: true })
        expect(v.averageCapital).toBeLessThan(s.averageCapital)
        expect(v.tested).toBe(s.tested)
      }
      expect(stats('all books', 'volatility').averageCapital).toBeLessThan(0.95 * stats('all books', 'static').averageCapital)
      // the figures are consistent with one another
      for (const s of report.stats) {
        expect(s.exceedanceRate).toBeCloseTo(s.testedExceedances / s.tested, 15)
        expect(s.kupiec.lr).toBeCloseTo(kupiecPof(s.tested, s.testedExceedances, s.expectedRate).lr, 12)
        expect(s.expectedRate).toBeCloseTo(0.000501, 6)
        if (s.book === 'all books') continue
        const listed = report.exceedances.filter((e) => e.book === s.book && e.model === s.model)
        expect(listed).toHaveLength(s.exceedances)
        expect(listed.filter((e) => e.tested)).toHaveLength(s.testedExceedances)
        for (const e of listed) expect(e.lossUsd).toBeGreaterThan(e.requirementUsd)
      }
      // the static grid charges a naked BTC perp its 10% core move plus the 0.1% contingency
      expect(stats('btc-long', 'static').averageCapital).toBeCloseTo(0.101, 4)
      expect(existsSync(join(out, 'coverage.svg'))).toBe(true)
      expect(JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8')).stats).toHaveLength(28)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 120_000)
})
