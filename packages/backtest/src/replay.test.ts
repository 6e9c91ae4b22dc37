import { describe, expect, it } from 'vitest'
import { SAMPLE_PORTFOLIOS } from './portfolios.js'
import { replay } from './replay.js'
import { syntheticWindow } from './_test/syntheticWindow.js'

const leveraged = SAMPLE_PORTFOLIOS.find((p) => p.name === 'leveraged')!

describe('replay', () => {
  it('counts the health of the hour a liquidation fires, before the liquidation, in the minimum', () => {
    // the 5× long loses 15% × 50,000 = 7,500 of its ~9,650 equity in the third hour
    const run = replay(syntheticWindow({ ETH: [2_000, 2_000, 1_700, 1_700] }), leveraged, 'portfolio', { targetHealthBps: 12_500 })
    expect(run.liquidations.map((l) => l.t)).toEqual([run.points[2]!.t])
    const hour = run.points[2]!
    expect(hour.healthBefore!).toBeLessThan(1)
    expect(hour.health!).toBeGreaterThanOrEqual(1.25)
    expect(run.minHealth).toBe(hour.healthBefore)
  })

  it('reports no health once a book is closed, and marks it closed, instead of drawing it as healthy', () => {
    // a 50% fall takes the whole equity: the planner closes everything
    const run = replay(syntheticWindow({ ETH: [2_000, 1_000, 1_000] }), leveraged, 'tiered')
    expect(run.liquidations[0]!.closeFractionBps).toBe(10_000)
    for (const p of run.points.slice(1)) {
      expect(p.health).toBeNull()
      expect(p.open).toBe(false)
    }
    expect(run.minHealth!).toBeLessThan(0)
  })

  it('keeps the collateral outside the allocation in isolated mode, where tiered mode loses all of it', () => {
    const window = syntheticWindow({ ETH: [2_000, 1_000, 1_000] })
    const tiered = replay(window, leveraged, 'tiered')
    const isolated = replay(window, leveraged, 'isolated')
    expect(tiered.points.at(-1)!.equityUsd).toBe(0)
    expect(isolated.points.at(-1)!.equityUsd).toBeGreaterThan(3_000)
    expect(isolated.shortfallUsd).toBeGreaterThan(tiered.shortfallUsd)
    expect(isolated.capitalRequiredUsd).toBe(tiered.capitalRequiredUsd)
  })

  it('warns, per symbol, when spot prices stand in for perpetual marks', () => {
    const run = replay(syntheticWindow({ ETH: [2_000, 2_000] }, '1h binance_spot (test)'), leveraged, 'portfolio')
    expect(run.warnings).toEqual([
      'synthetic: no ETH perpetual series; spot (1h binance_spot (test)) stands in for the perp mark',
      'synthetic: no BTC perpetual series; spot (1h binance_spot (test)) stands in for the perp mark',
    ])
    expect(replay(syntheticWindow({ ETH: [2_000, 2_000] }), leveraged, 'portfolio').warnings).toEqual([])
  })
})

describe('replay in isolated mode', () => {
  it('makes no margin call on a long option, whose allocation is nil and which no loss can liquidate', () => {
    const options = SAMPLE_PORTFOLIOS.find((p) => p.name === 'options')!
    const run = replay(syntheticWindow({ ETH: [2_000, 2_000, 2_000] }), options, 'isolated')
    expect(run.firstMarginCallAt).toBeNull()
    expect(run.liquidations).toEqual([])
  })
})
