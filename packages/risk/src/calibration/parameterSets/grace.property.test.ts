import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultScenarioGrid } from '../../scenarios/index.js'
import { createPortfolioEngine, type PortfolioEngine } from '../../portfolio/engine/createPortfolioEngine.js'
import { accountArb, market } from '../../portfolio/testing/arbitraries.js'
import { usdc } from '../../portfolio/testing/fixtures.js'
import type { PortfolioAccount } from '../../portfolio/types.js'
import { addsRisk } from './addsRisk.js'
import { engineConfigFor } from './engineConfigFor.js'
import { parameterSetFor } from './parameterSetFor.js'
import { recalibrate } from './recalibrate.js'
import type { ParameterSet, ParameterSetHistory, ParameterSetPolicy } from './types.js'

const policy: ParameterSetPolicy = {
  stressedSigmaHorizon: { '*': 0.03 },
  stressedMeanAbsCorrelation: 0.8,
  stressedWeight: 0.25,
  maxStepUp: 0.5,
  maxStepDown: 0.1,
  maxCreditStep: 0.2,
  cooldownSeconds: 3600,
  minChange: 0.01,
  graceSeconds: 4 * 3600,
  maxCredit: 0.5,
  referenceCorrelation: 0.5,
}
const corr = (rho: number) => ({ underlyings: ['BTC', 'ETH', 'SOL'], rho: [[1, rho, rho], [rho, 1, rho], [rho, rho, 1]], observations: 500 })
const T1 = market.nowMs - 10 * 3_600_000
const calm = recalibrate(null, { realizedSigmaHorizon: { BTC: 0.02, ETH: 0.025, SOL: 0.035 }, correlation: corr(0.4) }, T1, policy).set
// a stress: realised σ triples and correlations go to one; the set moves by its bounded step
const T2 = market.nowMs - 3_600_000
const stressed = recalibrate(calm, { realizedSigmaHorizon: { BTC: 0.06, ETH: 0.075, SOL: 0.1 }, correlation: corr(0.97) }, T2, policy).set
const history: ParameterSetHistory = { sets: [calm, stressed], graceSeconds: policy.graceSeconds }
const engines = new Map<number, PortfolioEngine>(
  [calm, stressed].map((s: ParameterSet) => [s.version, createPortfolioEngine(engineConfigFor(s, { grid: defaultScenarioGrid() }))]),
)
const engineOf = (s: ParameterSet) => engines.get(s.version)!

/** The account with its settled P&L set so that equity = `health` × MM under the calm set. */
function atHealth(account: PortfolioAccount, health: number): PortfolioAccount {
  const r = engineOf(calm).marginAccount(account, market)
  const target = (r.mmUsd8 * BigInt(Math.round(health * 1e6))) / 1_000_000n + 1n
  return { ...account, settledPnlUsd8: account.settledPnlUsd8 + target - r.equityUsd8 }
}

/** A change that may or may not add risk: close some whole positions (P&L settled at the mark), deposit USDC. */
const changeArb = fc.record({ close: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), depositUsd: fc.integer({ min: 0, max: 50_000 }) })
function apply(account: PortfolioAccount, change: { close: boolean[]; depositUsd: number }): PortfolioAccount {
  const r = engineOf(calm).marginAccount(account, market)
  let settled = account.settledPnlUsd8
  const positions = account.positions.filter((_, i) => {
    if (!change.close[i]) return true
    settled += r.positions[i]!.unrealizedPnlUsd8 + r.positions[i]!.fundingUsd8
    return false
  })
  return { ...account, positions, settledPnlUsd8: settled, collateral: [...account.collateral, usdc(1, change.depositUsd)] }
}

describe('anti-procyclicality grace window', () => {
  it('the stress set is stricter: σ up by the bounded step, less diversification credit', () => {
    expect(stressed.version).toBe(2)
    expect(stressed.sigmaHorizon.BTC).toBeCloseTo(calm.sigmaHorizon.BTC! * 1.5, 12)
    expect(stressed.maxCredit).toBeLessThan(calm.maxCredit)
  })

  it('a recalibration alone never makes a healthy account that added no risk liquidatable within the grace window', () => {
    fc.assert(
      fc.property(
        accountArb,
        fc.double({ min: 1, max: 1.5, noNaN: true }),
        changeArb,
        fc.integer({ min: 0, max: policy.graceSeconds * 1000 - 1 }),
        (raw, health, change, sinceMs) => {
          const before = atHealth(raw, health)
          const after = apply(before, change)
          const calmEngine = engineOf(calm)
          const judged = addsRisk(before, after, calmEngine.marginAccount(before, market).imUsd8, calmEngine.marginAccount(after, market).imUsd8)
          fc.pre(!judged.adds)
          const now = stressed.effectiveAtMs + sinceMs
          const choice = parameterSetFor({ version: calm.version, riskAddedAtMs: null }, history, now)
          expect(choice.reason).toBe('grace')
          const r = engineOf(choice.set).marginAccount(after, market)
          expect(r.equityUsd8).toBeGreaterThanOrEqual(r.mmUsd8)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('without the window the same recalibration would liquidate most of those accounts', () => {
    const sample = fc.sample(accountArb, { numRuns: 60, seed: 3 }).map((a) => atHealth(a, 1.05))
    const liquidatable = sample.filter((a) => {
      const r = engineOf(stressed).marginAccount(a, market)
      return r.equityUsd8 < r.mmUsd8
    })
    expect(liquidatable.length).toBeGreaterThan(sample.length / 2)
  })

  it('an account that adds risk after the recalibration is margined under the stress set at once', () => {
    const choice = parameterSetFor({ version: calm.version, riskAddedAtMs: stressed.effectiveAtMs + 1 }, history, stressed.effectiveAtMs + 2)
    expect(choice.set).toBe(stressed)
  })
})
