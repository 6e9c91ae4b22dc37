import { defaultScenarioGrid } from '@unimargin/risk'
import { describe, expect, it } from 'vitest'
import { defaultRiskParameterPolicy } from './defaultPolicy.js'
import { replayParameterSets } from './replayParameterSets.js'

const HOUR = 3_600_000
const grid = defaultScenarioGrid()
const policy = defaultRiskParameterPolicy(grid)

/** Hourly prices: `calm` hours of ±0.3% moves, then `wild` hours of ±6%; ETH moves as BTC × `beta` plus its own wiggle. */
function series(calm: number, wild: number, beta = 1.2) {
  const btc = [{ tMs: 0, price: 60_000 }]
  const eth = [{ tMs: 0, price: 3_000 }]
  for (let h = 1; h <= calm + wild; h++) {
    const size = h <= calm ? 0.003 : 0.06
    const r = (h % 2 === 0 ? 1 : -1) * size * (1 + (h % 3) / 3)
    const own = h % 5 === 0 ? 0.001 : -0.0005
    btc.push({ tMs: h * HOUR, price: btc[h - 1]!.price * Math.exp(r) })
    eth.push({ tMs: h * HOUR, price: eth[h - 1]!.price * Math.exp(beta * r + own) })
  }
  return { BTC: btc, ETH: eth }
}

describe('replayParameterSets', () => {
  it('publishes a first set, then versions spaced by the cooldown that rise at most 25% each in a sell-off', () => {
    const state = replayParameterSets(series(48, 12), { policy, horizonSeconds: grid.horizonSeconds })
    const sets = state.history.sets
    expect(sets[0]!.version).toBe(1)
    expect(sets.length).toBeGreaterThan(3)
    for (let k = 1; k < sets.length; k++) {
      expect(sets[k]!.version).toBe(sets[k - 1]!.version + 1)
      expect(sets[k]!.effectiveAtMs - sets[k - 1]!.effectiveAtMs).toBeGreaterThanOrEqual(policy.cooldownSeconds * 1000)
      for (const u of ['BTC', 'ETH']) expect(sets[k]!.sigmaHorizon[u]!).toBeLessThanOrEqual(sets[k - 1]!.sigmaHorizon[u]! * 1.25 * (1 + 1e-12))
    }
    const last = sets[sets.length - 1]!
    expect(sets.some((s) => s.movedBy.bounds.some((b) => b.bound === 'stepUp'))).toBe(true)
    expect(state.realizedSigmaHorizon.BTC!).toBeGreaterThan(last.sigmaHorizon.BTC!)
  })

  it('keeps σ at or above half the grid\'s stressed σ in a calm market (the 25% stressed weight)', () => {
    const state = replayParameterSets(series(72, 0), { policy, horizonSeconds: grid.horizonSeconds })
    const floor = Math.sqrt(policy.stressedWeight) * policy.stressedSigmaHorizon.BTC!
    for (const s of state.history.sets) expect(s.sigmaHorizon.BTC!).toBeGreaterThanOrEqual(floor)
    expect(state.history.sets[0]!.movedBy.bounds.some((b) => b.parameter === 'sigmaHorizon.BTC' && b.bound === 'stressed')).toBe(true)
  })

  it('tracks the correlation of the underlyings and shrinks the diversification cap when it nears one', () => {
    const state = replayParameterSets(series(48, 12), { policy, horizonSeconds: grid.horizonSeconds })
    expect(state.correlation!.underlyings).toEqual(['BTC', 'ETH'])
    expect(state.correlation!.rho[0]![1]!).toBeGreaterThan(0.95)
    const sets = state.history.sets
    expect(sets[sets.length - 1]!.maxCredit).toBeLessThan(policy.maxCredit)
    expect(sets[sets.length - 1]!.movedBy.meanAbsCorrelation!).toBeGreaterThan(0.95)
  })

  it('gives the same sets for the same prices', () => {
    const a = replayParameterSets(series(30, 5), { policy, horizonSeconds: grid.horizonSeconds })
    const b = replayParameterSets(series(30, 5), { policy, horizonSeconds: grid.horizonSeconds })
    expect(a).toEqual(b)
  })
})
