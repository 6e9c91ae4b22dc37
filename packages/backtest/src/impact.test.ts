import { describe, expect, it } from 'vitest'
import { squareRootImpact } from './impact.js'

const liquidity = { sigmaDaily: 0.05, volumeDaily: 1_000_000 }

describe('squareRootImpact', () => {
  it('moves the price by Y·σ_daily·sqrt(Q/V_daily): selling 1% of a day moves it 10% of a daily σ', () => {
    expect(squareRootImpact(-10_000, liquidity)).toBeCloseTo(-0.005, 12)
    expect(squareRootImpact(10_000, liquidity, 0.5)).toBeCloseTo(0.0025, 12)
  })

  it('grows with the square root of the quantity: four times the size, twice the impact', () => {
    expect(squareRootImpact(-40_000, liquidity) / squareRootImpact(-10_000, liquidity)).toBeCloseTo(2, 12)
  })

  it('is zero for no trade or a market without volume', () => {
    expect(squareRootImpact(0, liquidity)).toBe(0)
    expect(squareRootImpact(-5, { sigmaDaily: 0.05, volumeDaily: 0 })).toBe(0)
  })
})
