import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deriveParametersArb, deriveScenarioArb } from './_test/randomAccount.js'
import { type DeriveMarginResult, deriveMargin } from './margin.js'
import type { DeriveParameters, DeriveScenario } from './types.js'

const inCi = !!process.env.CI && process.env.CI !== 'false'
/** Runs of the property: thousands locally, a bounded count in CI; `DERIVE_SCREEN_RUNS` overrides both. */
const RUNS = Number(process.env.DERIVE_SCREEN_RUNS ?? (inCi ? 150 : 2000))

type Outcome = { result: DeriveMarginResult } | { error: string }
function margin(scenario: DeriveScenario, parameters: DeriveParameters, exactScenarios: 'all' | 'worst'): Outcome {
  try {
    return { result: deriveMargin(scenario, parameters, { exactScenarios }) }
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` }
  }
}

describe('deriveMargin screening (exactScenarios: worst)', () => {
  it(
    'gives the all-exact MM, IM, worst scenario and contingencies to the wei, and every estimate lies within its bound',
    () => {
      let screened = 0
      fc.assert(
        fc.property(deriveScenarioArb, deriveParametersArb, (scenario, parameters) => {
          const all = margin(scenario, parameters, 'all')
          const fast = margin(scenario, parameters, 'worst')
          if ('error' in all || 'error' in fast) {
            expect(fast).toEqual(all)
            return
          }
          const a = all.result
          const r = fast.result
          expect([r.mm, r.im, r.worst, r.contingencies]).toEqual([a.mm, a.im, a.worst, a.contingencies])
          for (const s of r.scenarios) {
            const exact = a.scenarios[s.index]!.pnl
            if (s.exact) expect(s.pnl).toBe(exact)
            else {
              screened++
              const off = s.pnl > exact ? s.pnl - exact : exact - s.pnl
              expect(off).toBeLessThanOrEqual(s.bound)
            }
          }
        }),
        { numRuns: RUNS },
      )
      // the property is vacuous if nothing is screened
      expect(screened).toBeGreaterThan(RUNS)
    },
    20 * 60_000,
  )
})
