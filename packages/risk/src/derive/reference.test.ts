import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deriveParametersArb, deriveScenarioArb } from './_test/randomAccount.js'
import * as ref from './_test/reference/fixedPoint.js'
import { referenceDeriveMargin } from './_test/reference/margin.js'
import * as refBlack76 from './_test/reference/black76.js'
import { deriveQuote, priceQuote } from './black76.js'
import { decPow, exp, ln, sqrt, stdNormalCdf } from './fixedPoint.js'
import { deriveMargin } from './margin.js'
import { parseDeriveCase } from './parse.js'
import type { DeriveParameters, DeriveScenario } from './types.js'

const inCi = !!process.env.CI && process.env.CI !== 'false'
const RUNS = Number(process.env.DERIVE_REFERENCE_RUNS ?? (inCi ? 100 : 500))
const dir =
  process.env.DERIVE_PMRM2_CASES ?? fileURLToPath(new URL('../../../../../shared/data/derive_pmrm2', import.meta.url))
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []

const E = 10n ** 18n
/** A bigint in [−2^exp, 2^exp] with log-uniform magnitude: small and large values alike. */
const wide = (maxBits: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxBits }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean())
    .map(([bits, r, neg]) => {
      const v = (r << BigInt(Math.max(0, bits - 64))) >> BigInt(Math.max(0, 64 - bits))
      return neg ? -v : v
    })

function outcome(run: () => unknown): unknown {
  try {
    return run()
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`
  }
}

/** The optimised all-exact margin in the reference's shape. */
function current(scenario: DeriveScenario, parameters: DeriveParameters) {
  const r = deriveMargin(scenario, parameters, { exactScenarios: 'all' })
  return {
    mm: r.mm,
    im: r.im,
    mtm: r.mtm,
    pnls: r.scenarios.map((s) => s.pnl),
    worst: { index: r.worst.index, pnl: r.worst.pnl },
    contingencies: r.contingencies,
    expiries: r.expiries.map((e) => [e.mtm, e.volShockUp, e.volShockDown, e.staticDiscountPos, e.staticDiscountNeg]),
  }
}

describe('the fixed-point path against the reference implementation (bit-identical)', () => {
  it('ln, exp, √, decPow and the normal CDF give the reference integers', () => {
    fc.assert(
      fc.property(wide(200), (x) => {
        expect(outcome(() => ln(x))).toEqual(outcome(() => ref.ln(x)))
        expect(outcome(() => sqrt(x < 0n ? -x : x))).toEqual(outcome(() => ref.sqrt(x < 0n ? -x : x)))
      }),
      { numRuns: 20 * RUNS },
    )
    fc.assert(
      fc.property(wide(70), (x) => {
        expect(outcome(() => exp(x))).toEqual(outcome(() => ref.exp(x)))
        expect(stdNormalCdf(x)).toBe(ref.stdNormalCdf(x))
      }),
      { numRuns: 20 * RUNS },
    )
    fc.assert(
      fc.property(wide(80), wide(64), (a, b) => {
        expect(outcome(() => decPow(a, b))).toEqual(outcome(() => ref.decPow(a, b)))
      }),
      { numRuns: 5 * RUNS },
    )
  })

  it('exp gives the reference integers at and around every multiple of ln 2/2 it reduces by (−42 to 135)', () => {
    // 0.5·ln 2 in 1e18: t + ½ crosses an integer there, where the float64 range reduction defers to the division
    const halfLn2 = 346573590279972655n
    for (let j = -122n; j <= 390n; j++) {
      for (const d of [-2n, -1n, 0n, 1n, 2n, 1000n, -1000n]) {
        const x = j * halfLn2 + d
        expect(outcome(() => exp(x))).toEqual(outcome(() => ref.exp(x)))
      }
    }
  })

  it('the normal CDF gives the reference integers across |x| ≈ 9.18, where e^(−x²/2) reaches 0 in 1e18', () => {
    for (let i = -20_000n; i <= 20_000n; i++) {
      const x = 9_180_000_000_000_000_000n + i * 17_000_000_000_000n
      expect(stdNormalCdf(x)).toBe(ref.stdNormalCdf(x))
      expect(stdNormalCdf(-x)).toBe(ref.stdNormalCdf(-x))
    }
  })

  it('Black-76 prices are the reference integers', () => {
    const positive = (bits: number) => wide(bits).map((x) => (x < 0n ? -x : x))
    fc.assert(
      fc.property(positive(90), positive(90), positive(61), positive(70), positive(62), (F, K, D, vol, sqrtTau) => {
        const q = outcome(() => priceQuote(deriveQuote(F, K, D), vol, sqrtTau))
        const r = outcome(() => refBlack76.priceQuote(refBlack76.deriveQuote(F, K, D), vol, sqrtTau))
        expect(q).toEqual(r)
      }),
      { numRuns: 10 * RUNS },
    )
    expect(priceQuote(deriveQuote(1500n * E, 1500n * E, E), E, E)).toEqual(
      refBlack76.priceQuote(refBlack76.deriveQuote(1500n * E, 1500n * E, E), E, E),
    )
  })

  it('margins random accounts of up to 100 balances to the reference integers', () => {
    fc.assert(
      fc.property(deriveScenarioArb, deriveParametersArb, (scenario, parameters) => {
        expect(outcome(() => current(scenario, parameters))).toEqual(
          outcome(() => referenceDeriveMargin(scenario, parameters)),
        )
      }),
      { numRuns: RUNS },
    )
  }, 20 * 60_000)

  it.skipIf(files.length === 0)('margins every shared case to the reference integers', () => {
    for (const f of files) {
      const c = parseDeriveCase(JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')))
      expect(outcome(() => current(c.scenario, c.parameters))).toEqual(
        outcome(() => referenceDeriveMargin(c.scenario, c.parameters)),
      )
    }
  }, 120_000)
})
