import type { ParameterSet } from '@unimargin/risk'
import { describe, expect, it } from 'vitest'
import { testConfig } from '../test-utils.js'
import { configUnderParameterSet, riskModelOf } from './riskModel.js'

const set = (version: number, eth: number): ParameterSet => ({
  version,
  effectiveAtMs: version * 3_600_000,
  sigmaHorizon: { ETH: eth },
  maxCredit: 0.5,
  coverage: 6.7,
  movedBy: { realizedSigmaHorizon: { ETH: eth }, meanAbsCorrelation: null, correlation: null, bounds: [] },
})

describe('configUnderParameterSet', () => {
  it('builds one engine per set version, scaled to the set’s σ, and keeps only the latest versions', () => {
    const config = testConfig({ margin: { mode: 'portfolio', calibration: 'volatility' } })
    const first = configUnderParameterSet(config, set(1, 0.01))
    expect(configUnderParameterSet(config, set(1, 0.01))).toBe(first)
    // core move = 6.7 × σ
    expect(riskModelOf(first).engine!.grid.underlyings.ETH!.maxMove).toBeCloseTo(0.067, 10)
    for (let v = 2; v <= 20; v++) configUnderParameterSet(config, set(v, 0.01 + v / 1000))
    expect(configUnderParameterSet(config, set(20, 0.03))).toBe(configUnderParameterSet(config, set(20, 0.03)))
    // version 1 was let go and is built again on demand, equal but not the same object
    const again = configUnderParameterSet(config, set(1, 0.01))
    expect(again).not.toBe(first)
    expect(riskModelOf(again).engine!.grid.underlyings.ETH!.maxMove).toBeCloseTo(0.067, 10)
  })

  it('leaves a config that runs no portfolio engine as it is', () => {
    const config = testConfig({ margin: { mode: 'tiered', calibration: 'volatility' } })
    expect(configUnderParameterSet(config, set(1, 0.01))).toBe(config)
  })
})
