import { describe, expect, it } from 'vitest'
import { defaultScenarioGrid } from '../../scenarios/index.js'
import { shockVol } from './shockVol.js'

const grid = defaultScenarioGrid()
const btc = grid.underlyings.BTC!
const scaling = grid.volTermScaling

describe('shockVol', () => {
  it('scales vol shocks by (30 / days)^0.3 below 30 days and ^0.13 above, as Deribit does', () => {
    expect(shockVol(0.8, 1, 30 / 365, btc, scaling)).toBeCloseTo(0.8 * 1.5, 12)
    expect(shockVol(0.8, 1, 7.5 / 365, btc, scaling)).toBeCloseTo(0.8 * (1 + 0.5 * 4 ** 0.3), 12)
    expect(shockVol(0.8, -1, 120 / 365, btc, scaling)).toBeCloseTo(0.8 * (1 - 0.25 * 0.25 ** 0.13), 12)
    // the floor of one day caps the shortest-dated shock
    expect(shockVol(0.8, 1, 0.01 / 365, btc, scaling)).toBeCloseTo(shockVol(0.8, 1, 1 / 365, btc, scaling), 12)
  })

  it('raises a low vol at least to minVolUp and leaves it alone in flat scenarios', () => {
    expect(shockVol(0.2, 1, 1, btc, scaling)).toBe(0.5)
    expect(shockVol(0.2, 0, 1, btc, scaling)).toBe(0.2)
  })
})
