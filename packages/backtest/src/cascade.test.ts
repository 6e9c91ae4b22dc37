import { describe, expect, it } from 'vitest'
import { runCascade } from './cascade.js'
import { samplePopulation } from './population.js'
import { SAMPLE_PORTFOLIOS } from './portfolios.js'
import { syntheticWindow } from './_test/syntheticWindow.js'

// 5× longs of 50k to 500k USD with cash × 0.35..1.5: a 10% fall liquidates the most leveraged in tiered mode
const population = samplePopulation({
  seed: 11,
  size: 60,
  templates: SAMPLE_PORTFOLIOS.filter((p) => p.name === 'leveraged'),
  scale: [1, 10],
})
const window = syntheticWindow({
  ETH: [2_000, 2_000, 1_800, 1_800, 1_800, 1_800],
})
// a thin market: a day trades 20,000 ETH and moves 10%
const liquidity = {
  ETH: { sigmaDaily: 0.1, volumeDaily: 20_000 },
  BTC: { sigmaDaily: 0.05, volumeDaily: 1_000 },
}
const run = (feedback: boolean) => runCascade({ window, liquidity, population, mode: 'tiered', feedback })

describe('runCascade', () => {
  it('leaves the window prices alone without feedback', () => {
    const off = run(false)
    expect(off.accountsLiquidated).toBeGreaterThan(0)
    expect(off.path.ETH!.every((f) => f === 1)).toBe(true)
    expect(off.maxDeviation.ETH).toBe(0)
  })

  it('pushes the price down with the liquidators’ sales and liquidates more accounts in the same hour', () => {
    const off = run(false)
    const on = run(true)
    expect(on.accountsLiquidated).toBeGreaterThan(off.accountsLiquidated)
    expect(on.liquidatedUnits.ETH!).toBeLessThan(off.liquidatedUnits.ETH!)
    expect(on.path.ETH![2]!).toBeLessThan(1)
    expect(on.maxDeviation.ETH).toBeCloseTo(1 - on.path.ETH![2]!, 12)
  })

  it('keeps the permanent two thirds of an hour’s impact in the later hours', () => {
    const on = run(true)
    const peak = on.path.ETH![2]! - 1
    // no liquidation after the fall: later hours carry the permanent share of the peak
    expect(on.path.ETH![3]! - 1).toBeCloseTo((2 / 3) * peak, 12)
    expect(on.finalDeviation.ETH).toBeCloseTo((2 / 3) * peak, 12)
  })

  it('gives the same result for the same population (seeded, no other randomness)', () => {
    expect(run(true)).toEqual(run(true))
  })
})
