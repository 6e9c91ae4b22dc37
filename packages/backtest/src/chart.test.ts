import { describe, expect, it } from 'vitest'
import { HEALTH_FLOOR, healthDomain, healthSeries, renderStressChart } from './chart.js'
import { SAMPLE_PORTFOLIOS } from './portfolios.js'
import { replay } from './replay.js'
import { syntheticWindow } from './_test/syntheticWindow.js'

const leveraged = SAMPLE_PORTFOLIOS.find((p) => p.name === 'leveraged')!
// a 50% fall closes the 5× long in the second hour
const window = syntheticWindow({ ETH: [2_000, 1_000, 1_000, 1_000] })
const runs = (['portfolio', 'tiered', 'isolated'] as const).map((m) => replay(window, leveraged, m))

describe('healthSeries', () => {
  it('draws nothing for the hours after a book is closed', () => {
    const series = healthSeries(runs)
    for (const mode of ['portfolio', 'tiered', 'isolated'])
      expect(series.filter((p) => p.mode === mode).map((p) => p.t)).toEqual([window.times[0]])
  })
})

describe('healthDomain', () => {
  it('fits the log axis to the health drawn and the liquidation line, with 20% either side', () => {
    expect(healthDomain([2, 8])).toEqual([1 / 1.2, 8 * 1.2])
    expect(healthDomain([0.5, 3])).toEqual([0.5 / 1.2, 3 * 1.2])
    expect(healthDomain([HEALTH_FLOOR])[0]).toBeCloseTo(HEALTH_FLOOR / 1.2, 12)
  })
})

describe('renderStressChart', () => {
  it('gives each mode its own dash, so a line under another still shows', async () => {
    const svg = await renderStressChart('synthetic', runs)
    expect(svg.startsWith('<svg')).toBe(true)
    for (const dash of ['1,0', '8,4', '2,3']) expect(svg).toContain(`stroke-dasharray="${dash}"`)
  })
})
