import { describe, expect, it } from 'vitest'
import { spanInterCommodityCredit } from './spanInterCommodityCredit.js'
import { spanPriceRisk } from './spanPriceRisk.js'
import { spanRequirement } from './spanRequirement.js'
import { spanRiskArray } from './spanRiskArray.js'

// CME Group, "Margins: Spread Calculations" (cmegroup.com/clearing/margins/spread-calc.html), section "Inter Spread
// Calculations": Corn vs. Soybeans (2:1), 55% inter rate, outright Corn $1750, Soybeans $2500; "$1750*2 + $2500 =
// $6000 outright margin before Inter spread credit"; "a savings of $3300 total (3500*0.55 + 2500*0.55 = $3300)";
// "$2700, which is your final margin charge on this spread".
describe("spanInterCommodityCredit on CME's Corn vs Soybeans example", () => {
  const future = (outright: number) => spanRiskArray({ revalue: (dp) => dp, priceScanRange: outright, volScanRange: 0 })
  const corn = spanRequirement({ riskArrays: [future(1750)], quantities: [2], sign: 'loss-positive' })
  const soy = spanRequirement({ riskArrays: [future(2500)], quantities: [-1], sign: 'loss-positive' })
  const rates = [{ legs: [{ commodity: 'C', deltaPerSpread: 2 }, { commodity: 'S', deltaPerSpread: 1 }] as const, creditRate: 0.55 }]
  const commodities = {
    C: { priceRisk: spanPriceRisk(corn.scenarioLosses, corn.scanRisk, corn.worstScenario).priceRisk, netDelta: 2 },
    S: { priceRisk: spanPriceRisk(soy.scenarioLosses, soy.scanRisk, soy.worstScenario).priceRisk, netDelta: -1 },
  }

  it('scans $6,000 outright: 2 × $1,750 of corn and $2,500 of soybeans, all of it price risk', () => {
    expect(corn.scanRisk + soy.scanRisk).toBe(6000)
    expect(commodities.C.priceRisk).toBe(3500)
    expect(commodities.S.priceRisk).toBe(2500)
  })

  it('forms one spread and credits 55% of each leg: $1,925 + $1,375 = $3,300, leaving $2,700', () => {
    const r = spanInterCommodityCredit(commodities, rates)
    expect(r.spreads).toEqual([1])
    expect(r.credits.C).toBeCloseTo(1925, 9)
    expect(r.credits.S).toBeCloseTo(1375, 9)
    const total = spanRequirement({ riskArrays: [corn.scenarioLosses], sign: 'loss-positive', interCommodityCredit: r.credits.C! }).requirement
      + spanRequirement({ riskArrays: [soy.scenarioLosses], sign: 'loss-positive', interCommodityCredit: r.credits.S! }).requirement
    expect(total).toBeCloseTo(2700, 9)
    expect(r.remaining).toEqual({ C: 0, S: 0 })
  })
})

describe('spanInterCommodityCredit', () => {
  const rate = (creditRate: number, a = 1, b = 1) => ({ legs: [{ commodity: 'A', deltaPerSpread: a }, { commodity: 'B', deltaPerSpread: b }] as const, creditRate })

  it('gives no credit to legs on the same side of the market', () => {
    const r = spanInterCommodityCredit({ A: { priceRisk: 100, netDelta: 1 }, B: { priceRisk: 100, netDelta: 1 } }, [rate(0.5)])
    expect(r.credits).toEqual({ A: 0, B: 0 })
  })

  it('credits only the delta that spreads, at the weighted price risk per delta', () => {
    // A: 400 of price risk on 4 long deltas (100 per delta); B: 1 short delta; one spread of 1:1
    const r = spanInterCommodityCredit({ A: { priceRisk: 400, netDelta: 4 }, B: { priceRisk: 90, netDelta: -1 } }, [rate(0.5)])
    expect(r.credits).toEqual({ A: 50, B: 45 })
    expect(r.remaining).toEqual({ A: 3, B: 0 })
  })

  it('uses delta up by priority, so a later spread only sees what is left', () => {
    const r = spanInterCommodityCredit(
      { A: { priceRisk: 100, netDelta: 1 }, B: { priceRisk: 100, netDelta: -1 }, C: { priceRisk: 100, netDelta: -1 } },
      [rate(0.5), { legs: [{ commodity: 'A', deltaPerSpread: 1 }, { commodity: 'C', deltaPerSpread: 1 }], creditRate: 0.9 }],
    )
    expect(r.spreads).toEqual([1, 0])
    expect(r.credits.C).toBe(0)
  })

  it('ignores a spread on a commodity the portfolio does not hold', () => {
    expect(spanInterCommodityCredit({ A: { priceRisk: 100, netDelta: 1 } }, [rate(0.5)]).credits).toEqual({ A: 0 })
  })

  it('throws a RangeError for a credit rate above 100% or a non-positive delta ratio', () => {
    const c = { A: { priceRisk: 1, netDelta: 1 }, B: { priceRisk: 1, netDelta: -1 } }
    expect(() => spanInterCommodityCredit(c, [rate(1.2)])).toThrow(/1.2/)
    expect(() => spanInterCommodityCredit(c, [rate(0.5, 0)])).toThrow(/\(0\)/)
  })
})

describe('spanPriceRisk', () => {
  it('takes the time risk from scenarios 1-2 and the vol risk from the worst scenario and its pair', () => {
    const losses = new Array<number>(16).fill(0)
    losses[0] = 30 // price unchanged, vol up
    losses[1] = 10 // price unchanged, vol down
    losses[12] = 500 // down 3/3, vol up: the worst
    losses[13] = 300 // down 3/3, vol down: its pair
    expect(spanPriceRisk(losses, 500, 13)).toEqual({ timeRisk: 20, volatilityRisk: 100, priceRisk: 380 })
  })

  it('gives an extreme-move scan risk no volatility risk', () => {
    const losses = new Array<number>(16).fill(0)
    losses[15] = 700
    expect(spanPriceRisk(losses, 700, 16)).toEqual({ timeRisk: 0, volatilityRisk: 0, priceRisk: 700 })
  })
})
