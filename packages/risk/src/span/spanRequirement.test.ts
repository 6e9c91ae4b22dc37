import { describe, expect, it } from 'vitest'
import { loadOptionsReference } from '../pricing/referenceValues.testdata.js'
import { spanRequirement } from './spanRequirement.js'

const reference = loadOptionsReference()

describe.skipIf(!reference)("spanRequirement on McMillan's S&P 500 futures example", () => {
  const m = reference!.span.mcmillan_covered_write

  it('requires 3,990 for the long December 410 call (scenario 14: futures down 3/3, vol down)', () => {
    const r = spanRequirement({ riskArrays: [m.long_1_dec410_call], sign: 'profit-positive' })
    expect(r.requirement).toBe(m.expected.long_call_span_requirement)
    expect(r.scanRisk).toBe(3990)
    expect(r.worstScenario).toBe(14)
  })

  it("requires 6,620 for the covered write from the book's combined array", () => {
    const r = spanRequirement({ riskArrays: [m.covered_write_long_future_short_call], sign: 'profit-positive' })
    expect(r.requirement).toBe(m.expected.covered_write_span_requirement)
    expect(r.worstScenario).toBe(13)
  })

  it('requires the same 6,620 when the long future and the short call are summed position by position', () => {
    const r = spanRequirement({ riskArrays: [m.long_1_future, m.long_1_dec410_call], quantities: [1, -1], sign: 'profit-positive' })
    expect(r.requirement).toBe(6620)
    expect(r.scenarioLosses).toEqual(m.covered_write_long_future_short_call.map((v) => -v + 0))
  })

  it('requires 13,500 for the ratio write (3 long futures, 5 short calls), set by the extreme down move', () => {
    const r = spanRequirement({ riskArrays: [m.long_1_future, m.long_1_dec410_call], quantities: [3, -5], sign: 'profit-positive' })
    expect(r.requirement).toBe(m.derived_ratio_write_3fut_short5calls.requirement)
    expect(r.worstScenario).toBe(16)
  })

  it('gives the same answer for the same arrays in the CME loss-positive convention', () => {
    const lossArray = m.long_1_dec410_call.map((v) => -v)
    expect(spanRequirement({ riskArrays: [lossArray], sign: 'loss-positive' }).requirement).toBe(3990)
  })
})

describe('spanRequirement', () => {
  const flat = new Array<number>(16).fill(0)

  it('counts full extreme-move losses at 35% when asked to apply the cover fraction', () => {
    const array = [...flat.slice(0, 14), -100, 10_000] // loss-positive: scenario 16 loses 10,000 in full
    const r = spanRequirement({ riskArrays: [array], sign: 'loss-positive', extremeWeighting: 'apply' })
    expect(r.scanRisk).toBeCloseTo(3500, 9)
    expect(r.scenarioLosses[14]).toBeCloseTo(-35, 9)
    expect(spanRequirement({ riskArrays: [array], sign: 'loss-positive' }).scanRisk).toBe(10_000)
  })

  it('requires nothing of a portfolio that gains in every scenario', () => {
    const r = spanRequirement({ riskArrays: [flat.map(() => -5)], sign: 'loss-positive' })
    expect(r).toMatchObject({ scanRisk: 0, worstScenario: null, requirement: 0 })
  })

  it('adds spread charges, subtracts inter-commodity credit and never goes below the short option minimum', () => {
    const array = flat.map((_, i) => (i === 3 ? 1000 : 0))
    expect(spanRequirement({ riskArrays: [array], sign: 'loss-positive', spreadCharge: 200, interCommodityCredit: 300 }).requirement).toBe(900)
    expect(spanRequirement({ riskArrays: [array], sign: 'loss-positive', shortOptionMinimum: 1500 }).requirement).toBe(1500)
    expect(spanRequirement({ riskArrays: [array], sign: 'loss-positive', interCommodityCredit: 5000 }).requirement).toBe(0)
  })

  it('requires nothing of an empty portfolio', () => {
    expect(spanRequirement({ riskArrays: [], sign: 'loss-positive' }).requirement).toBe(0)
  })

  it('throws a RangeError for a malformed risk array, quantity or charge', () => {
    expect(() => spanRequirement({ riskArrays: [[1, 2, 3]], sign: 'loss-positive' })).toThrow(/has 3 values/)
    expect(() => spanRequirement({ riskArrays: [flat], quantities: [], sign: 'loss-positive' })).toThrow(RangeError)
    expect(() => spanRequirement({ riskArrays: [flat], quantities: [Number.NaN], sign: 'loss-positive' })).toThrow(/NaN/)
    expect(() => spanRequirement({ riskArrays: [flat.map(() => Number.POSITIVE_INFINITY)], sign: 'loss-positive' })).toThrow(/Infinity/)
    expect(() => spanRequirement({ riskArrays: [flat], sign: 'loss-positive', spreadCharge: -1 })).toThrow(/\(-1\)/)
  })
})
