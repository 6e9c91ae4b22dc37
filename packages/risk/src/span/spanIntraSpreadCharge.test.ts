import { describe, expect, it } from 'vitest'
import { spanIntraSpreadCharge } from './spanIntraSpreadCharge.js'
import { spanRequirement } from './spanRequirement.js'
import { spanRiskArray } from './spanRiskArray.js'

// CME Group, "Margins: Spread Calculations" (cmegroup.com/clearing/margins/spread-calc.html), section "Intra Spread
// Calculations when there is a rate of $0": outright rates Month 2 $500, Month 3 $500, Month 4 $750; intra spread
// charges 2 vs 3 $200, 2 vs 4 $50, 3 vs 4 $0; "+1 Month 2 and -1 Month 3 has a margin of $200: ($500 - $500) + $200",
// "+1 Month 2 and -1 Month 4 ... $300: ($750 - $500) + $50", "+1 Month 3 and -1 Month 4 ... $250: ($750 - $500) + $0".
describe("spanIntraSpreadCharge on CME's intra-spread example", () => {
  const outright = [500, 500, 750] // months 2, 3, 4: the price scan range of one contract, USD
  const future = (month: number) => spanRiskArray({ revalue: (dp) => dp, priceScanRange: outright[month]!, volScanRange: 0 })
  const rates = [
    { tierA: 0, tierB: 1, chargePerSpread: 200 },
    { tierA: 0, tierB: 2, chargePerSpread: 50 },
    { tierA: 1, tierB: 2, chargePerSpread: 0 },
  ]
  const margin = (long: number, short: number) => {
    const deltas = [[0], [0], [0]]
    deltas[long]![0] = 1
    deltas[short]![0] = -1
    const intra = spanIntraSpreadCharge(deltas, rates)
    const r = spanRequirement({ riskArrays: [future(long), future(short)], quantities: [1, -1], sign: 'loss-positive', spreadCharge: intra.charge })
    return { scan: r.scanRisk, intra: intra.charge, margin: r.requirement }
  }

  it('requires $200 for +1 Month 2 / -1 Month 3: no scan risk, the whole 2 vs 3 charge', () => {
    expect(margin(0, 1)).toEqual({ scan: 0, intra: 200, margin: 200 })
  })

  it('requires $300 for +1 Month 2 / -1 Month 4: $750 − $500 of scan risk plus the $50 charge', () => {
    expect(margin(0, 2)).toEqual({ scan: 250, intra: 50, margin: 300 })
  })

  it('requires $250 for +1 Month 3 / -1 Month 4: the scan risk alone at a $0 charge', () => {
    expect(margin(1, 2)).toEqual({ scan: 250, intra: 0, margin: 250 })
  })
})

describe('spanIntraSpreadCharge', () => {
  it('takes spread rates in priority order and uses spread delta up as it forms', () => {
    // tier 0 long 3, tier 1 short 1, tier 2 short 4
    const r = spanIntraSpreadCharge([[3], [-1], [-4]], [
      { tierA: 0, tierB: 1, chargePerSpread: 10 },
      { tierA: 0, tierB: 2, chargePerSpread: 1 },
    ])
    expect(r.formed).toEqual([
      { tierA: 0, tierB: 1, spreads: 1, charge: 10 },
      { tierA: 0, tierB: 2, spreads: 2, charge: 2 },
    ])
    expect(r.charge).toBe(12)
    expect(r.remaining).toEqual([{ long: 0, short: 0 }, { long: 0, short: 0 }, { long: 0, short: 2 }])
  })

  it('spreads expiries of opposite sign inside one tier, and nets a single expiry first', () => {
    const r = spanIntraSpreadCharge([[2, -5, 1]], [{ tierA: 0, tierB: 0, chargePerSpread: 7 }])
    expect(r.charge).toBe(21)
    expect(r.remaining).toEqual([{ long: 0, short: 2 }])
  })

  it('forms spreads in both directions between two tiers', () => {
    const r = spanIntraSpreadCharge([[1, -2], [3, -1]], [{ tierA: 0, tierB: 1, chargePerSpread: 1 }])
    // long 1 in tier 0 against short 1 in tier 1, long 3 in tier 1 against short 2 in tier 0
    expect(r.formed[0]!.spreads).toBe(3)
  })

  it('charges nothing when every tier is one-sided the same way', () => {
    expect(spanIntraSpreadCharge([[1], [2]], [{ tierA: 0, tierB: 1, chargePerSpread: 100 }]).charge).toBe(0)
  })

  it('throws a RangeError for a missing tier, a negative charge or a non-finite delta', () => {
    expect(() => spanIntraSpreadCharge([[1]], [{ tierA: 0, tierB: 1, chargePerSpread: 1 }])).toThrow(/1 tiers/)
    expect(() => spanIntraSpreadCharge([[1], [-1]], [{ tierA: 0, tierB: 1, chargePerSpread: -1 }])).toThrow(/\(-1\)/)
    expect(() => spanIntraSpreadCharge([[Number.NaN]], [])).toThrow(/NaN/)
  })
})
