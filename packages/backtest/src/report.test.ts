import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runStressSuite, stressTableRows } from './report.js'

const dir = fileURLToPath(new URL('../../../../shared/data/prices/crash_windows', import.meta.url))
const present = existsSync(dir)
const inCi = !!process.env.CI && process.env.CI !== 'false'

describe.skipIf(!present && !inCi)('runStressSuite', () => {
  it('replays every book under every mode through the FTX week and writes a chart and the runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stress-'))
    const { runs, charts } = await runStressSuite({ windowsDir: dir, windows: ['ftx'], outDir: out })
    expect(runs).toHaveLength(4 * 3)
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
    for (const name of ['hedged', 'leveraged', 'options', 'multi-collateral']) expect(svg).toContain(name)
    expect(JSON.parse(readFileSync(join(out, 'stress.json'), 'utf8'))).toHaveLength(12)
    const rows = stressTableRows(runs)
    console.log(rows.map((r) => r.join(' | ')).join('\n'))
    expect(rows[0]).toHaveLength(10)
  })
})
