import { describe, expect, it } from 'vitest'
import { InvalidParamsError } from '../portfolio/errors.js'
import { defaultScenarioGrid } from '../scenarios/index.js'
import { resolveSpanParams, spanCreditRateFromGrid, spanParamsFromGrid } from './spanParams.js'

const grid = defaultScenarioGrid()

describe('spanParamsFromGrid', () => {
  const p = spanParamsFromGrid(grid)

  it("takes each underlying's price and vol scan ranges from the grid's maxMove, volUp and volDown", () => {
    for (const [u, g] of Object.entries(grid.underlyings)) {
      expect(p.underlyings[u]).toMatchObject({ priceScanRange: g.maxMove, volScanUp: g.volUp, volScanDown: g.volDown })
    }
  })

  it("takes the extreme multiple from the grid's scenarios counted at 35% and the short option minimum from its naked-short rate", () => {
    expect(p.underlyings.BTC!.extremeMultiple).toBe(2)
    expect(p.underlyings.BTC!.shortOptionMinimumRate).toBe(grid.contingencies.nakedShortOptionPerStrike)
  })

  it('spreads every pair of the three expiry tiers at the per-contract minimums of a perp and a future', () => {
    const u = p.underlyings['*']!
    expect(u.tiers.map((t) => t.upToDays)).toEqual([30, 90, null])
    expect(u.intraSpreads.map((s) => [s.tierA, s.tierB])).toEqual([[1, 1], [1, 2], [1, 3], [2, 2], [2, 3], [3, 3]])
    expect(u.intraSpreads[0]!.chargeRate).toBeCloseTo(grid.contingencies.perContract.perp + grid.contingencies.perContract.future, 15)
  })

  it('sets initial at 1.1 × maintenance and no inter-commodity spreads', () => {
    expect(p.initialToMaintenance).toBe(1.1)
    expect(p.interSpreads).toEqual([])
  })
})

describe('spanCreditRateFromGrid', () => {
  it("credits BTC/ETH 70%: the decorrelation scenario moves them apart by 30% of their outright moves", () => {
    expect(spanCreditRateFromGrid(grid, 'BTC', 'ETH')).toBeCloseTo(0.7, 12)
  })

  it('gives no credit between underlyings that decorrelate fully', () => {
    expect(spanCreditRateFromGrid(grid, 'FOO', 'BAR')).toBe(0)
  })
})

describe('resolveSpanParams', () => {
  it("overrides an underlying's fields one by one, over '*' for an underlying the grid does not list", () => {
    const p = resolveSpanParams(grid, { underlyings: { BTC: { priceScanRange: 0.15 }, DOGE: { volScanUp: 0.8 } } })
    expect(p.underlyings.BTC).toMatchObject({ priceScanRange: 0.15, volScanUp: grid.underlyings.BTC!.volUp })
    expect(p.underlyings.DOGE).toMatchObject({ priceScanRange: grid.underlyings['*']!.maxMove, volScanUp: 0.8 })
  })

  it('throws InvalidParamsError naming the field out of range', () => {
    expect(() => resolveSpanParams(grid, { underlyings: { BTC: { volScanDown: 1 } } })).toThrow(InvalidParamsError)
    expect(() => resolveSpanParams(grid, { underlyings: { BTC: { tiers: [{ upToDays: 90 }, { upToDays: 30 }, { upToDays: null }] } } })).toThrow(/grow/)
    expect(() => resolveSpanParams(grid, { interSpreads: [{ legs: [{ underlying: 'BTC', deltaPerSpread: 1 }, { underlying: 'BTC', deltaPerSpread: 1 }], creditRate: 0.5 }] })).toThrow(/different underlyings/)
    expect(() => resolveSpanParams(grid, { interSpreads: [{ legs: [{ underlying: 'BTC', deltaPerSpread: 1 }, { underlying: 'ETH', deltaPerSpread: 1 }], creditRate: 1.5 }] })).toThrow(/1.5/)
    expect(() => resolveSpanParams(grid, { publishedArrays: { 'BTC-PERP': { unitsPerContract: 1, lossPerContract: [1, 2] } } })).toThrow(/16 finite/)
  })
})
