import { describe, expect, it } from 'vitest'
import { perp, usdc } from '../../portfolio/testing/fixtures.js'
import type { PortfolioAccount } from '../../portfolio/types.js'
import { addsRisk } from './addsRisk.js'

const base: PortfolioAccount = { collateral: [usdc(1, 50_000)], positions: [perp('BTC', 1, 60_000), perp('ETH', -10, 3_000)], settledPnlUsd8: 0n }

describe('addsRisk', () => {
  it('does not count a partial close that lowers the requirement, nor a deposit', () => {
    const after = { ...base, collateral: [usdc(1, 60_000)], positions: [perp('BTC', 0.5, 60_000), perp('ETH', -10, 3_000)] }
    expect(addsRisk(base, after, 100n, 90n)).toEqual({ adds: false, reasons: [] })
  })

  it('counts a new instrument, a larger or flipped size, a withdrawal and a higher requirement', () => {
    const after = { ...base, collateral: [usdc(1, 40_000)], positions: [perp('BTC', -1, 60_000), perp('ETH', -11, 3_000), perp('SOL', 1, 150)] }
    const r = addsRisk(base, after, 100n, 101n)
    expect(r.adds).toBe(true)
    expect(r.reasons).toEqual(['flipped BTC-PERP', 'increased ETH-PERP', 'opened SOL-PERP', 'withdrew 1:0xusdc1', 'raised the requirement'])
  })

  it('counts closing the hedging leg when it raises the requirement', () => {
    const after = { ...base, positions: [perp('BTC', 1, 60_000)] }
    expect(addsRisk(base, after, 100n, 150n)).toEqual({ adds: true, reasons: ['raised the requirement'] })
  })
})
