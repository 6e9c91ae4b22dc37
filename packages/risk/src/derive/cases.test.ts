import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkDeriveCase } from './check.js'
import { fromE18 } from './decimal.js'
import { DeriveRejectedError } from './errors.js'
import { deriveMargin } from './margin.js'
import { parseDeriveCase } from './parse.js'

/** The shared case files beside the checkout, or `DERIVE_PMRM2_CASES` (a directory of Derive-format case files). */
const dir =
  process.env.DERIVE_PMRM2_CASES ?? fileURLToPath(new URL('../../../../../shared/data/derive_pmrm2', import.meta.url))
const present = existsSync(dir)
const inCi = !!process.env.CI && process.env.CI !== 'false'
if (!present && !inCi) console.warn(`Skipping Derive case tests: ${dir} is absent (it is the shared reference data).`)
const files = present
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : []
/** Commented out upstream ("Invalid param setup"): its LINEAR scenario has a spot shock, which setScenarios rejects. */
const REJECTED = 'test_67_misc_skew_scenario_with_spot_move.json'
const load = (f: string) => parseDeriveCase(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')))

describe.skipIf(!present && !inCi)('Derive PMRM_2 portfolio cases', () => {
  it('has at least the 93 shared cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(93)
  })

  it.each(files.filter((f) => f !== REJECTED).flatMap((f) => [[f, 'worst'] as const, [f, 'all'] as const]))(
    'reproduces MM, IM and every scenario loss to 1e-8 relative, collateral MTM to 1e-8: %s (exact scenarios: %s)',
    (f, exactScenarios) => {
      const check = checkDeriveCase(load(f), undefined, { exactScenarios })
      const failed = check.fields
        .filter((x) => !x.ok)
        .map((x) => `${x.field}: ours ${x.ours} vs ${x.expected} (${x.error})`)
      expect(failed).toEqual([])
      expect(check.fields.length).toBeGreaterThan(4)
      expect(check.maxRelativeError).toBeLessThanOrEqual(1e-8)
      if (exactScenarios === 'all') expect(check.result.scenarios.every((s) => s.exact)).toBe(true)
    },
  )

  it.each(files.filter((f) => f !== REJECTED))(
    'gives the same MM, IM and worst scenario when only the possible worst scenarios are exact: %s',
    (f) => {
      const c = load(f)
      const all = deriveMargin(c.scenario, c.parameters, { exactScenarios: 'all' })
      const fast = deriveMargin(c.scenario, c.parameters)
      expect([fast.mm, fast.im, fast.worst]).toEqual([all.mm, all.im, all.worst])
      for (const s of fast.scenarios.filter((x) => x.exact)) expect(s.pnl).toBe(all.scenarios[s.index]!.pnl)
      expect(fast.contingencies).toEqual(all.contingencies)
    },
  )

  it.each(files.filter((f) => f !== REJECTED))(
    'reproduces each contingency, the loss factors and the portfolio MTM: %s',
    (f) => {
      const json = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'))
      const c = parseDeriveCase(json)
      const r = deriveMargin(c.scenario, c.parameters)
      const k = r.contingencies
      // the files give contingencies as negative amounts (what they take off the margin)
      const ours: Record<string, bigint> = {
        MMPerpCont: -k.mmPerp,
        IMPerpCont: -k.imPerp,
        MMOptionCont: -k.mmOption,
        IMOptionCont: -k.imOption,
        MMBaseCont: -k.mmCollateral,
        IMBaseCont: -k.imCollateral,
        OracleCont: -k.imConfidence,
        ForwardContingency: k.basis,
        PortfolioMTM: r.mtm,
        MMLossFactor: r.mmFactor,
        IMLossFactor: r.imFactor,
      }
      const off = Object.entries(ours).filter(([key, v]) => {
        const expected = Number(json.Result[key])
        const diff = Math.abs(fromE18(v) - expected)
        return !(Math.abs(expected) < 1 ? diff <= 1e-8 : diff / Math.abs(expected) <= 1e-8)
      })
      expect(off.map(([key, v]) => `${key}: ours ${fromE18(v)} file ${json.Result[key]}`)).toEqual([])
    },
  )

  it('rejects test_67 as Derive’s setScenarios does (skew scenario with a spot shock)', () => {
    const c = load(REJECTED)
    expect(() => deriveMargin(c.scenario, c.parameters)).toThrow(DeriveRejectedError)
  })
})
