import { describe, expect, it } from 'vitest'
import { caseJson, feedJson } from './_test/caseJson.js'
import { toE18 } from './decimal.js'
import { DeriveCaseError, DeriveRejectedError } from './errors.js'
import { deriveMargin } from './margin.js'
import { parseDeriveCase } from './parse.js'

const errorOf = (f: () => unknown): DeriveCaseError => {
  try {
    f()
  } catch (e) {
    if (e instanceof DeriveCaseError) return e
    throw e
  }
  throw new Error('expected a DeriveCaseError')
}

describe('parseDeriveCase', () => {
  it('reads decimals as 1e18 fixed point, truncating past 18 decimals and expanding exponents', () => {
    expect(toE18('0.1234567890123456789', 'x')).toBe(123_456_789_012_345_678n)
    expect(toE18('-.5', 'x')).toBe(-(5n * 10n ** 17n))
    expect(toE18(0.10000000000000003, 'x')).toBe(100_000_000_000_000_030n)
    expect(toE18(-1.5e-12, 'x')).toBe(-1_500_000n)
    expect(toE18(2e21, 'x')).toBe(2_000n * 10n ** 36n)
  })

  it('reads missing option, collateral and feed lists as empty, as Derive’s runner does', () => {
    const json = caseJson()
    const scenario = json.Scenario as Record<string, unknown>
    delete scenario.Options
    delete scenario.Collaterals
    delete scenario.OptionFeeds
    const c = parseDeriveCase(json)
    expect([c.scenario.options, c.scenario.collaterals, c.scenario.feeds]).toEqual([[], [], []])
  })

  it('names a missing field by its path', () => {
    const json = caseJson()
    delete (json.Scenario as Record<string, unknown>).SpotPrice
    expect(errorOf(() => parseDeriveCase(json)).path).toBe('Scenario.SpotPrice')
  })

  it('names a malformed number inside an array item', () => {
    const json = caseJson({
      OptionFeeds: [feedJson(86_400, 2000)],
      Options: [{ Expiry: 86_400, Strike: 'abc', IsCall: 1, Amount: 1 }],
    })
    const e = errorOf(() => parseDeriveCase(json))
    expect(e.path).toBe('Scenario.Options[0].Strike')
    expect(e.message).toContain('"abc"')
  })

  it('rejects an unknown vol shock direction, listing the valid ones', () => {
    const json = caseJson({}, { Scenarios: [{ SpotShock: 1, VolShockDirection: 'Sideways', DampeningFactor: 1 }] })
    const e = errorOf(() => parseDeriveCase(json))
    expect(e.path).toBe('Parameters.Scenarios[0].VolShockDirection')
    expect(e.message).toContain('Up, Down, None, LINEAR, ABS')
  })

  it('rejects an option whose expiry has no feed and a strike finer than 1e-8', () => {
    const noFeed = caseJson({ Options: [{ Expiry: 86_400, Strike: 2000, IsCall: 1, Amount: 1 }] })
    expect(errorOf(() => parseDeriveCase(noFeed)).path).toBe('Scenario.Options[0].Expiry')
    const fine = caseJson({
      OptionFeeds: [feedJson(86_400, 2000)],
      Options: [{ Expiry: 86_400, Strike: '2000.000000001', IsCall: 1, Amount: 1 }],
    })
    expect(errorOf(() => parseDeriveCase(fine)).path).toBe('Scenario.Options[0].Strike')
  })

  it('rejects an SVI row without seven values', () => {
    const json = caseJson({ OptionFeeds: [{ ...feedJson(86_400, 2000), SVIparam: [0.1, 0.1] }] })
    expect(errorOf(() => parseDeriveCase(json)).path).toBe('Scenario.OptionFeeds[0].SVIparam')
  })

  it('reports a skew scenario with a spot move as rejected by Derive’s setScenarios', () => {
    const c = parseDeriveCase(
      caseJson({}, { Scenarios: [{ SpotShock: 1.18, VolShockDirection: 'LINEAR', DampeningFactor: 1 }] }),
    )
    const e = errorOf(() => deriveMargin(c.scenario, c.parameters))
    expect(e).toBeInstanceOf(DeriveRejectedError)
    expect((e as DeriveRejectedError).contractError).toBe('PMRM_2_InvalidScenarios')
    expect(e.path).toBe('Parameters.Scenarios[0].SpotShock')
  })

  it('rejects an MM loss factor below Derive’s bound', () => {
    const json = caseJson()
    json.Parameters.Margin = { ...json.Parameters.Margin, MM_LOSS_FACTOR: 0.05 }
    const c = parseDeriveCase(json)
    expect(errorOf(() => deriveMargin(c.scenario, c.parameters)).path).toBe('Parameters.Margin.MM_LOSS_FACTOR')
  })
})
