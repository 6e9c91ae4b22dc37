import { describe, expect, it } from 'vitest'
import { DEFAULT_PORTFOLIO_PARAMS } from '../../portfolio/engine/defaultParams.js'
import { defaultScenarioGrid } from '../../scenarios/defaultScenarioGrid.js'
import { VolatilityInputError } from './errors.js'
import { MAX_SCALED_DOWN_MOVE, volatilityDrivenGrid } from './volatilityDrivenGrid.js'

const base = defaultScenarioGrid()

describe('volatilityDrivenGrid', () => {
  it('sets maxMove to coverage × σ_horizon and scales vol shocks and size tiers by the same ratio', () => {
    // BTC base maxMove 0.1 stands for σ = 0.1 / 3.29; realised σ 0.045 gives maxMove 3.29 × 0.045 = 0.14805
    const { grid, params, ratios } = volatilityDrivenGrid({ grid: base, sigmaHorizon: { BTC: 0.045 } })
    const k = (3.29 * 0.045) / 0.1
    expect(ratios.BTC).toBeCloseTo(k, 12)
    expect(grid.underlyings.BTC!.maxMove).toBeCloseTo(0.14805, 12)
    expect(grid.underlyings.BTC!.volUp).toBeCloseTo(0.5 * k, 12)
    expect(grid.underlyings.BTC!.volDown).toBeCloseTo(0.25 * k, 12)
    expect(grid.underlyings.BTC!.decorrelation).toBe(0.3)
    expect(params.collateral.sizeTiers.BTC!.map((t) => t.addBps)).toEqual([149, 445, 1481])
    expect(params.collateral.sizeTiers['*']).toEqual(DEFAULT_PORTFOLIO_PARAMS.collateral.sizeTiers['*'])
    expect(grid.underlyings.ETH).toEqual(base.underlyings.ETH)
  })

  it('gives back the base grid at the reference vol', () => {
    const { grid, params } = volatilityDrivenGrid({ grid: base, sigmaHorizon: { ETH: 0.12 / 3.29 } })
    expect(grid.underlyings.ETH!.maxMove).toBeCloseTo(0.12, 14)
    expect(params.collateral.sizeTiers.ETH!.map((t) => t.addBps)).toEqual([100, 300, 1000])
  })

  it('holds the ratio within the floor and the cap', () => {
    const quiet = volatilityDrivenGrid({ grid: base, sigmaHorizon: { BTC: 1e-4 }, bounds: { floor: 0.4, cap: 2 } })
    expect(quiet.grid.underlyings.BTC!.maxMove).toBeCloseTo(0.04, 14)
    const wild = volatilityDrivenGrid({ grid: base, sigmaHorizon: { BTC: 0.5 }, bounds: { floor: 0.4, cap: 2 } })
    expect(wild.grid.underlyings.BTC!.maxMove).toBeCloseTo(0.2, 14)
  })

  it('keeps every scenario price above zero when the cap would not: SOL extremes move −2 × maxMove', () => {
    const { grid } = volatilityDrivenGrid({ grid: base, sigmaHorizon: { SOL: 0.5 }, bounds: { floor: 0.5, cap: 10 } })
    expect(2 * grid.underlyings.SOL!.maxMove).toBeCloseTo(MAX_SCALED_DOWN_MOVE, 12)
  })

  it('sizes an underlying missing from the grid from the * entry', () => {
    const { grid } = volatilityDrivenGrid({ grid: base, sigmaHorizon: { DOGE: 0.25 / 3.29 } })
    expect(grid.underlyings.DOGE!.maxMove).toBeCloseTo(0.25, 14)
  })

  it('does not modify the grid or the params it is given', () => {
    const before = JSON.stringify(base)
    const paramsBefore = JSON.stringify(DEFAULT_PORTFOLIO_PARAMS)
    volatilityDrivenGrid({ grid: base, sigmaHorizon: { BTC: 0.2, ETH: 0.01 } })
    expect(JSON.stringify(base)).toBe(before)
    expect(JSON.stringify(DEFAULT_PORTFOLIO_PARAMS)).toBe(paramsBefore)
  })

  it('rejects a σ that is not positive and bounds out of order', () => {
    expect(() => volatilityDrivenGrid({ grid: base, sigmaHorizon: { BTC: 0 } })).toThrow(VolatilityInputError)
    expect(() => volatilityDrivenGrid({ grid: base, sigmaHorizon: { BTC: 0.1 }, bounds: { floor: 2, cap: 1 } })).toThrow(VolatilityInputError)
  })
})
