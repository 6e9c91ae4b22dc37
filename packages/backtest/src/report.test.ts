import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SAMPLE_PORTFOLIOS } from './portfolios.js'
import { runStressSuite, STRESS_TABLE_HEAD, stressTableRows } from './report.js'

const dir = fileURLToPath(new URL('../../../../shared/data/prices/crash_windows', import.meta.url))
const present = existsSync(dir)
const inCi = !!process.env.CI && process.env.CI !== 'false'

describe.skipIf(!present && !inCi)('runStressSuite', () => {
  it('replays every book under every mode through the FTX week and writes a chart and the runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stress-'))
    const { runs, charts } = await runStressSuite({ windowsDir: dir, windows: ['ftx'], outDir: out })
    const books = SAMPLE_PORTFOLIOS.length
    expect(runs).toHaveLength(books * 3)
    for (const r of runs) {
      expect(r.points).toHaveLength(168)
      expect(r.capitalRequiredUsd).toBeGreaterThan(0)
      expect(r.shortfallUsd).toBeGreaterThanOrEqual(0)
    }
    // the 5× long is liquidated in every mode as ETH falls from 1,629 to 1,101, and nothing is left unpaid
    const leveraged = runs.filter((r) => r.portfolio === 'leveraged')
    expect(leveraged.every((r) => r.liquidations.length > 0 && r.firstMarginCallAt !== null)).toBe(true)
    const svg = readFileSync(charts[0]!, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    for (const { name } of SAMPLE_PORTFOLIOS) expect(svg).toContain(name)
    const json = JSON.parse(readFileSync(join(out, 'stress.json'), 'utf8'))
    expect(json.runs).toHaveLength(books * 3)
    expect(json.capital).toHaveLength(books * 3)
    expect(json.warnings).toEqual([])
    expect(json.runs[0].points).toBeUndefined()
    const rows = stressTableRows(runs)
    expect(rows[0]).toHaveLength(STRESS_TABLE_HEAD.length)
  })
})
