import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SAMPLE_PORTFOLIOS } from './portfolios.js'
import { cascadeTableRows, runStressSuite, STRESS_TABLE_HEAD, stressTableRows } from './report.js'

const dir = fileURLToPath(new URL('../../../../shared/data/prices/crash_windows', import.meta.url))
const present = existsSync(dir)
const inCi = !!process.env.CI && process.env.CI !== 'false'

describe.skipIf(!present && !inCi)('runStressSuite', () => {
  it('replays every book under every mode through the FTX week and writes a chart and the runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stress-'))
    const { runs, charts } = await runStressSuite({
      windowsDir: dir,
      windows: ['ftx'],
      outDir: out,
    })
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

  it('warns in the report, the table and the JSON when a window has only spot prices', async () => {
    const spotOnly = mkdtempSync(join(tmpdir(), 'spot-window-'))
    const lines = readFileSync(join(dir, '2022-11_ftx.csv'), 'utf8').trim().split('\n')
    writeFileSync(join(spotOnly, 'spot_only.csv'), lines.filter((l) => !l.includes('binance_usdm_perp')).join('\n'))
    const out = join(spotOnly, 'out')
    mkdirSync(out)
    const leveraged = SAMPLE_PORTFOLIOS.filter((p) => p.name === 'leveraged')
    const report = await runStressSuite({
      windowsDir: spotOnly,
      portfolios: leveraged,
      modes: ['portfolio'],
      outDir: out,
    })
    expect(report.warnings).toHaveLength(2)
    expect(report.warnings[0]).toMatch(/^spot_only: no ETH perpetual series; spot \(1h binance_spot/)
    expect(stressTableRows(report.runs)[0]![0]).toBe('spot_only ⚠')
    expect(JSON.parse(readFileSync(join(out, 'stress.json'), 'utf8')).warnings).toEqual(report.warnings)
  })

  it('runs a cascade per window and mode, with and without price impact, into the report and the JSON', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cascade-'))
    const report = await runStressSuite({
      windowsDir: dir,
      windows: ['ftx'],
      modes: ['portfolio', 'isolated'],
      portfolios: SAMPLE_PORTFOLIOS.slice(0, 1),
      outDir: out,
      cascade: { population: { size: 30, seed: 5 } },
    })
    expect(report.cascades.map((c) => `${c.mode} ${c.feedback}`)).toEqual([
      'portfolio false',
      'portfolio true',
      'isolated false',
      'isolated true',
    ])
    expect(report.cascades.every((c) => c.accounts === 30)).toBe(true)
    expect(cascadeTableRows(report.cascades)).toHaveLength(4)
    const json = JSON.parse(readFileSync(join(out, 'stress.json'), 'utf8'))
    expect(json.cascades).toHaveLength(4)
    expect(json.cascades[0].path).toBeUndefined()
  })
})
