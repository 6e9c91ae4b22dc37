import { describe, expect, it } from 'vitest'
import { recalibrate } from './recalibrate.js'
import type { ParameterSet, ParameterSetPolicy } from './types.js'

const HOUR = 3_600_000
const policy: ParameterSetPolicy = {
  stressedSigmaHorizon: { BTC: 0.06, '*': 0.08 },
  stressedMeanAbsCorrelation: 0.9,
  stressedWeight: 0.25,
  maxStepUp: 0.25,
  maxStepDown: 0.1,
  maxCreditStep: 0.05,
  cooldownSeconds: 3600,
  minChange: 0.01,
  graceSeconds: 4 * 3600,
  maxCredit: 0.5,
  referenceCorrelation: 0.5,
}
const first = (inputs = { realizedSigmaHorizon: { BTC: 0.02, ETH: 0.025 } }): ParameterSet => {
  const r = recalibrate(null, inputs, 0, policy)
  if (!r.updated) throw new Error('the first calibration always makes a set')
  return r.set
}

describe('recalibrate', () => {
  it('weights the stressed period by 25%, a floor of half the stressed σ that a calm market never goes below', () => {
    const set = first({ realizedSigmaHorizon: { BTC: 0.001, ETH: 0.025 } })
    expect(set.version).toBe(1)
    expect(set.sigmaHorizon.BTC).toBeCloseTo(Math.sqrt(0.25 * 0.06 ** 2 + 0.75 * 0.001 ** 2), 12)
    expect(set.sigmaHorizon.BTC!).toBeGreaterThanOrEqual(0.5 * 0.06)
    expect(set.sigmaHorizon.ETH).toBeCloseTo(Math.sqrt(0.25 * 0.08 ** 2 + 0.75 * 0.025 ** 2), 12)
    expect(set.movedBy.bounds).toContainEqual({ parameter: 'sigmaHorizon.BTC', bound: 'stressed', target: 0.001, value: set.sigmaHorizon.BTC })
  })

  it('moves σ up by at most maxStepUp and down by at most maxStepDown per update, and records the bound', () => {
    const v1 = first()
    const up = recalibrate(v1, { realizedSigmaHorizon: { BTC: 0.2, ETH: 0.025 } }, 2 * HOUR, policy)
    expect(up.updated).toBe(true)
    expect(up.set.sigmaHorizon.BTC).toBeCloseTo(v1.sigmaHorizon.BTC! * 1.25, 12)
    expect(up.set.movedBy.bounds.find((b) => b.parameter === 'sigmaHorizon.BTC' && b.bound === 'stepUp')).toBeDefined()
    const down = recalibrate(up.set, { realizedSigmaHorizon: { BTC: 0.0001, ETH: 0.025 } }, 4 * HOUR, policy)
    expect(down.set.sigmaHorizon.BTC).toBeCloseTo(up.set.sigmaHorizon.BTC! * 0.9, 12)
    expect(down.set.version).toBe(3)
    expect(down.set.movedBy.realizedSigmaHorizon.BTC).toBe(0.0001)
  })

  it('makes no new version inside the cooldown, however far the market moved', () => {
    const v1 = first()
    const r = recalibrate(v1, { realizedSigmaHorizon: { BTC: 0.5 } }, HOUR - 1, policy)
    expect(r).toEqual({ updated: false, set: v1, reason: 'cooldown' })
    expect(recalibrate(v1, { realizedSigmaHorizon: { BTC: 0.5 } }, HOUR, policy).updated).toBe(true)
  })

  it('makes no new version when nothing moves by minChange', () => {
    const v1 = first()
    const r = recalibrate(v1, { realizedSigmaHorizon: { BTC: 0.02, ETH: 0.025 } }, 10 * HOUR, policy)
    expect(r.updated).toBe(false)
    if (!r.updated) expect(r.reason).toBe('unchanged')
  })

  it('shrinks maxCredit as correlations converge to one, by at most maxCreditStep per update', () => {
    const corr = (rho: number) => ({ underlyings: ['BTC', 'ETH'], rho: [[1, rho], [rho, 1]], observations: 100 })
    const r1 = recalibrate(null, { realizedSigmaHorizon: { BTC: 0.02 }, correlation: corr(0.3) }, 0, policy)
    // ρ̄ = 0.25·0.9 + 0.75·0.3 = 0.45 ≤ ρ_ref: the published cap
    expect(r1.set.maxCredit).toBeCloseTo(0.5, 12)
    const r2 = recalibrate(r1.set, { realizedSigmaHorizon: { BTC: 0.02 }, correlation: corr(0.99) }, 2 * HOUR, policy)
    expect(r2.set.maxCredit).toBeCloseTo(0.45, 12)
    expect(r2.set.movedBy.meanAbsCorrelation).toBeCloseTo(0.99, 12)
    expect(r2.set.movedBy.bounds.map((b) => `${b.parameter}/${b.bound}`)).toContain('maxCredit/stepDown')
  })

  it('refuses a stressed weight below 25%', () => {
    expect(() => recalibrate(null, { realizedSigmaHorizon: { BTC: 0.02 } }, 0, { ...policy, stressedWeight: 0.2 })).toThrow(/0.25..1/)
  })
})
