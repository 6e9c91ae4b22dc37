import { describe, expect, it } from 'vitest'
import { parameterSetFor } from './parameterSetFor.js'
import type { ParameterSet, ParameterSetHistory } from './types.js'

const set = (version: number, effectiveAtMs: number): ParameterSet => ({
  version,
  effectiveAtMs,
  sigmaHorizon: { BTC: 0.02 * version },
  maxCredit: 0.5,
  movedBy: { realizedSigmaHorizon: {}, meanAbsCorrelation: null, correlation: null, bounds: [] },
})
const history: ParameterSetHistory = { sets: [set(1, 0), set(2, 10_000), set(3, 20_000)], graceSeconds: 5 }

describe('parameterSetFor', () => {
  it('keeps an account that added no risk on its set until the grace window after the next set ends', () => {
    const choice = parameterSetFor({ version: 2, riskAddedAtMs: null }, history, 24_999)
    expect(choice).toEqual({ set: history.sets[1], reason: 'grace', graceEndsMs: 25_000 })
    expect(parameterSetFor({ version: 2, riskAddedAtMs: null }, history, 25_000).reason).toBe('grace-expired')
  })

  it('counts the window from the first set that superseded the pinned one, not from the latest', () => {
    expect(parameterSetFor({ version: 1, riskAddedAtMs: null }, history, 20_500).reason).toBe('grace-expired')
  })

  it('moves an account that added risk after the recalibration to the latest set at once', () => {
    const choice = parameterSetFor({ version: 2, riskAddedAtMs: 21_000 }, history, 22_000)
    expect(choice.set.version).toBe(3)
    expect(choice.reason).toBe('added-risk')
    // risk added before the recalibration does not cost the window
    expect(parameterSetFor({ version: 2, riskAddedAtMs: 19_000 }, history, 22_000).reason).toBe('grace')
  })

  it('gives the latest set in effect to an account on it, ignoring sets not yet in effect', () => {
    expect(parameterSetFor({ version: 2, riskAddedAtMs: null }, history, 15_000)).toEqual({ set: history.sets[1], reason: 'current', graceEndsMs: null })
  })

  it('falls back to the latest set when the pinned one was pruned, and throws before the first set', () => {
    const pruned = { ...history, sets: history.sets.slice(1) }
    expect(parameterSetFor({ version: 1, riskAddedAtMs: null }, pruned, 20_001).reason).toBe('unknown-version')
    expect(() => parameterSetFor({ version: 1, riskAddedAtMs: null }, { ...history, sets: [set(1, 100)] }, 99)).toThrow(/No parameter set/)
  })
})
