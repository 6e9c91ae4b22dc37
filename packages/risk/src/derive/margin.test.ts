import { describe, expect, it } from 'vitest'
import { caseJson, feedJson } from './_test/caseJson.js'
import { deriveMargin } from './margin.js'
import { parseDeriveCase } from './parse.js'
import { arrangeDerivePortfolio } from './portfolio.js'
import { nakedShortAmount } from './precompute.js'

const E = 10n ** 18n
const margin = (json: ReturnType<typeof caseJson>) => {
  const c = parseDeriveCase(json)
  return deriveMargin(c.scenario, c.parameters)
}

describe('deriveMargin contingencies', () => {
  it('charges a short perp its MM/IM percent of spot notional and a low-confidence IM charge', () => {
    // 2 short perps at spot 2000, confidence 0.5 < 0.55: notional 4000; worst scenario spot +10 % loses 400
    const r = margin(caseJson({ NumPerps: -2, PerpConfidence: 0.5 }))
    expect(r.contingencies.mmPerp).toBe(60n * E)
    expect(r.contingencies.imPerp).toBe(20n * E)
    expect(r.contingencies.imConfidence).toBe(2000n * E)
    expect(r.worst).toMatchObject({ index: 0, pnl: -400n * E })
    expect(r.mm).toBe((-400n * 8n * E) / 10n - 60n * E + 1000n * E)
    expect(r.im).toBe(-400n * E - 2020n * E - 60n * E + 1000n * E)
  })

  it('adds the peg-loss factor to the IM factor when the stable is below threshold', () => {
    const r = margin(caseJson({ NumPerps: -2, StablePrice: 0.97 }))
    expect(r.imFactor).toBe(E + (2n * E) / 100n)
    expect(r.mmFactor).toBe((8n * E) / 10n)
  })

  it('counts as naked only the short contracts a long at the same strike does not offset', () => {
    const json = caseJson({
      OptionFeeds: [feedJson(2_592_000, 2000)],
      Options: [
        { Expiry: 2_592_000, Strike: 2000, IsCall: 1, Amount: -3 },
        { Expiry: 2_592_000, Strike: 2000, IsCall: 0, Amount: 1 },
        { Expiry: 2_592_000, Strike: 2400, IsCall: 1, Amount: -0.5 },
        { Expiry: 2_592_000, Strike: 1600, IsCall: 0, Amount: 4 },
      ],
    })
    const portfolio = arrangeDerivePortfolio(parseDeriveCase(json).scenario)
    expect(nakedShortAmount(portfolio.expiries[0]!)).toBe((25n * E) / 10n)
    const r = margin(json)
    expect(r.contingencies.mmOption).toBe(((2n * E + E / 2n) * 2000n * 3n) / 1000n)
  })

  it('floors the basis contingency at zero for an account with no forward exposure and makes it negative for a short call', () => {
    const flat = margin(caseJson())
    expect(flat.contingencies.basis).toBe(0n)
    const short = margin(
      caseJson({
        OptionFeeds: [feedJson(2_592_000, 2000)],
        Options: [{ Expiry: 2_592_000, Strike: 2000, IsCall: 1, Amount: -1 }],
      }),
    )
    expect(short.contingencies.basis).toBeLessThan(0n)
    expect(short.scenarios.map((s) => s.name)).toEqual(['spot ×1.1 vol none damp 1', 'skew linear'])
    expect(short.scenarios[1]!.pnl).toBeLessThanOrEqual(0n)
  })
})
