import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { checkPm2Cases, formatE18, formatPm2Check, listPm2CaseFiles, pm2CheckJson } from './pm2Check.js'

const dir = fileURLToPath(new URL('../../../../../shared/data/derive_pmrm2', import.meta.url))
const present = existsSync(dir)
const inCi = !!process.env.CI && process.env.CI !== 'false'
if (!present && !inCi) console.warn(`Skipping pm2 check tests on the shared cases: ${dir} is absent.`)
const scratch = mkdtempSync(join(tmpdir(), 'pm2-check-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('formatE18', () => {
  it('prints 1e18 fixed point as an exact decimal without trailing zeros', () => {
    expect(formatE18(-1_500_000_000_000_000_000n)).toBe('-1.5')
    expect(formatE18(7n)).toBe('0.000000000000000007')
    expect(formatE18(12n * 10n ** 18n)).toBe('12')
  })
})

describe('listPm2CaseFiles', () => {
  it('expands a directory to its JSON files in natural order and keeps files and missing paths as given', () => {
    const d = mkdtempSync(join(scratch, 'list-'))
    for (const f of ['test_10_b.json', 'test_2_a.json', 'readme.md']) writeFileSync(join(d, f), '{}')
    expect(listPm2CaseFiles([d]).map((f) => f.split('/').pop())).toEqual(['test_2_a.json', 'test_10_b.json'])
    expect(listPm2CaseFiles(['/no/such/file.json'])).toEqual(['/no/such/file.json'])
  })
})

describe.skipIf(!present && !inCi)('checkPm2Cases on Derive case files', () => {
  it('passes every shared case and reports test_67 as rejected by Derive, not as a failure', () => {
    const report = checkPm2Cases([dir])
    const n = report.cases.length
    expect(n).toBeGreaterThanOrEqual(93)
    expect(report.ok).toBe(true)
    const rejected = report.cases.filter((c) => c.status === 'rejected')
    expect(rejected.map((c) => c.file.split('/').pop())).toEqual(['test_67_misc_skew_scenario_with_spot_move.json'])
    expect(report.cases.filter((c) => c.status === 'ok')).toHaveLength(n - 1)
    expect(formatPm2Check(report).at(-1)).toBe(
      `${n - 1} within 1e-8, 0 off, 1 rejected by Derive's setters, 0 unreadable (${n} files).`,
    )
  })

  it('names a case whose file figures we do not reproduce, with the field and both values, and fails the run', () => {
    const json = JSON.parse(readFileSync(join(dir, 'test_29_perps_basic_perp.json'), 'utf8'))
    json.Result.MM = Number(json.Result.MM) * (1 + 1e-6)
    const file = join(scratch, 'test_29_tampered.json')
    writeFileSync(file, JSON.stringify(json))
    const report = checkPm2Cases([file])
    expect(report.ok).toBe(false)
    const c = report.cases[0]!
    expect(c.status).toBe('off')
    if (c.status !== 'off') return
    expect(c.failures.map((f) => f.field)).toEqual(['MM'])
    expect(c.maxRelativeError).toBeGreaterThan(9e-7)
    const lines = formatPm2Check(report)
    expect(lines[0]).toMatch(/^OFF +test_29_tampered/)
    expect(lines.at(-1)).toBe('Failing: test_29_tampered')
  })

  it('reports an unreadable file with the reason naming the field, and prints figures as decimal strings in JSON', () => {
    const json = JSON.parse(readFileSync(join(dir, 'test_1_collateral_cash_only.json'), 'utf8'))
    delete json.Scenario.SpotPrice
    const broken = join(scratch, 'broken.json')
    writeFileSync(broken, JSON.stringify(json))
    const report = checkPm2Cases([broken, join(dir, 'test_1_collateral_cash_only.json')])
    expect(report.ok).toBe(false)
    expect(report.cases[0]).toMatchObject({
      status: 'unreadable',
      reason: expect.stringContaining('Scenario.SpotPrice'),
    })
    const out = pm2CheckJson(report) as { cases: { mm?: { ours: string } }[] }
    expect(out.cases[1]!.mm).toEqual({ ours: '1000', expected: '1000' })
  })
})
