import { describe, expect, it } from 'vitest'
import raw from './default-grid.json' with { type: 'json' }
import { defaultScenarioGrid } from './defaultScenarioGrid.js'
import { ScenarioGridError } from './errors.js'
import { expandScenarios } from './expandScenarios.js'
import { parseScenarioGrid } from './parseScenarioGrid.js'

const clone = () => JSON.parse(JSON.stringify(raw)) as Record<string, unknown> & typeof raw

describe('scenario grid data', () => {
  it('loads the default grid and expands it to at least 33 scenarios for any number of underlyings', () => {
    const grid = defaultScenarioGrid()
    for (const n of [1, 2, 3, 5, 8, 20]) {
      const set = expandScenarios(grid, Array.from({ length: n }, (_, i) => `U${i}`))
      expect(set.names.length).toBe(33 + 2 * (n <= 1 ? 0 : Math.ceil(Math.log2(n))))
      expect(new Set(set.names).size).toBe(set.names.length)
    }
  })

  it('counts the SPAN-style extremes at 35% of twice the core move', () => {
    const set = expandScenarios(defaultScenarioGrid(), ['BTC'])
    const s = set.names.indexOf('extreme/spot=-2.00/vol=flat')
    expect(set.weights[s]).toBe(0.35)
    expect(set.spot[s]).toBeCloseTo(-0.2, 12)
  })

  it('splits every pair of underlyings in some decorrelation scenario', () => {
    const names = ['BTC', 'ETH', 'SOL', 'AVAX', 'LINK', 'DOGE', 'ARB']
    const set = expandScenarios(defaultScenarioGrid(), names)
    const U = set.underlyings.length
    for (let a = 0; a < U; a++) {
      for (let b = a + 1; b < U; b++) {
        const split = set.names.some((n, s) => n.startsWith('decorrelation/') && set.spot[s * U + a]! * set.spot[s * U + b]! < 0)
        expect(split, `${set.underlyings[a]} / ${set.underlyings[b]}`).toBe(true)
      }
    }
  })

  it('gives the same scenario set whatever the order of the JSON lists and of the underlyings', () => {
    const shuffled = clone()
    shuffled.scenarios = [...shuffled.scenarios].reverse()
    shuffled.core = { spotSteps: [...shuffled.core.spotSteps].reverse(), vol: [...shuffled.core.vol].reverse() }
    const a = expandScenarios(parseScenarioGrid(raw), ['ETH', 'BTC', 'SOL'])
    const b = expandScenarios(parseScenarioGrid(shuffled), ['SOL', 'ETH', 'BTC'])
    expect(b.names).toEqual(a.names)
    expect(b.spot).toEqual(a.spot)
    expect(b.vol).toEqual(a.vol)
    expect(b.weights).toEqual(a.weights)
  })

  it('rejects a malformed grid and names the offending path', () => {
    const cases: [(g: ReturnType<typeof clone>) => void, string][] = [
      [(g) => ((g.underlyings as Record<string, unknown>)['*'] = undefined), 'underlyings'],
      [(g) => (g.underlyings.BTC.maxMove = 1.2), 'underlyings.BTC.maxMove'],
      [(g) => ((g.scenarios[0] as { weight: number }).weight = 1.5), 'scenarios[0].weight'],
      [(g) => ((g.scenarios[1] as { vol: string }).vol = 'sideways'), 'scenarios[1].vol'],
      [(g) => (g.scenarios[1]!.name = g.scenarios[0]!.name), 'scenarios[1].name'],
      [(g) => ((g.scenarios[0]!.spot as Record<string, number>)['*'] = -5), 'scenarios[0].spot'],
      [(g) => ((g as { version: number }).version = 2), 'version'],
      [(g) => (g.contingencies.nakedShortOptionPerStrike = -1), 'contingencies.nakedShortOptionPerStrike'],
    ]
    for (const [mutate, path] of cases) {
      const g = clone()
      mutate(g)
      if ((g.underlyings as Record<string, unknown>)['*'] === undefined) delete (g.underlyings as Record<string, unknown>)['*']
      let error: unknown
      try {
        parseScenarioGrid(g)
      } catch (e) {
        error = e
      }
      expect(error, path).toBeInstanceOf(ScenarioGridError)
      expect((error as ScenarioGridError).path.startsWith(path), `${(error as ScenarioGridError).path} vs ${path}`).toBe(true)
    }
  })
})
