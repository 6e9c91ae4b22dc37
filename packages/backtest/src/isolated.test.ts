import { createPortfolioEngine } from '@unimargin/risk'
import { describe, expect, it } from 'vitest'
import { openAccount, reviewAccount } from './account.js'
import { allocateIsolated } from './isolated.js'
import { marketAt, windowSurfaces } from './market.js'
import { SAMPLE_PORTFOLIOS } from './portfolios.js'
import { syntheticWindow } from './_test/syntheticWindow.js'

const relativeValue = SAMPLE_PORTFOLIOS.find((p) => p.name === 'relative-value')!
// BTC falls 30% in the second hour, ETH stays
const window = syntheticWindow({
  ETH: [2_000, 2_000, 2_000],
  BTC: [50_000, 35_000, 35_000],
})
const surfaces = windowSurfaces(window, {})
const at = (i: number) => marketAt(window, i, surfaces, 0.03)
const engine = createPortfolioEngine({ mode: 'isolated' })
const book = relativeValue.build({ ETH: 2_000, BTC: 50_000 }, at(0).nowMs)

describe('allocateIsolated', () => {
  it('gives each position its IM plus its IM-weighted share of half the free collateral, and keeps the rest in reserve', () => {
    const risk = engine.marginAccount(book, at(0))
    const isolated = allocateIsolated(book, at(0), engine)
    const ims = risk.positions.map((p) => p.imUsd8)
    const free = risk.equityUsd8 - ims[0]! - ims[1]!
    const allocations = isolated.positions.map((p) => p.isolatedMarginUsd8!)
    const total = ims[0]! + ims[1]!
    for (const [i, im] of ims.entries()) expect(allocations[i]).toBe(im + (((free * 5_000n) / 10_000n) * im) / total)
    const reserveUsd8 = (isolated.collateral[0]!.amount * 100_000_000n) / 1_000_000n
    expect(reserveUsd8 + allocations[0]! + allocations[1]!).toBe(15_000n * 100_000_000n)
  })

  it('refuses a free-collateral share outside 0..10 000 bps', () => {
    expect(() => allocateIsolated(book, at(0), engine, 10_001)).toThrow(RangeError)
  })
})

describe('reviewAccount in isolated mode', () => {
  it('liquidates the losing position alone: the other allocation and the reserve keep their amounts, the excess loss is bad debt', () => {
    const state = openAccount(book, 'isolated', at(0), engine)
    const reserve = state.account.collateral[0]!.amount
    const ethAllocation = state.account.positions[1]!.isolatedMarginUsd8
    expect(reviewAccount(state, at(0)).liquidations).toEqual([])
    const review = reviewAccount(state, at(1))
    expect(review.liquidations).toHaveLength(1)
    expect(review.liquidations[0]!.market).toBe('BTC-PERP')
    // a 30% fall on 50,000 of BTC is 15,000, far beyond the BTC allocation
    expect(review.liquidations[0]!.shortfallUsd).toBeGreaterThan(0)
    expect(state.account.collateral[0]!.amount).toBe(reserve)
    const eth = state.account.positions.find((p) => p.instrument.underlying === 'ETH')!
    expect(eth.isolatedMarginUsd8).toBe(ethAllocation)
    expect(review.flows.BTC).toBeCloseTo(-1, 6)
  })

  it('liquidates the whole pooled account in tiered mode instead, where the reserve pays the loss', () => {
    const state = openAccount(book, 'tiered', at(0), createPortfolioEngine({ mode: 'tiered' }))
    const review = reviewAccount(state, at(1))
    expect(review.liquidations).toHaveLength(1)
    expect(review.liquidations[0]!.market).toBeNull()
    expect(review.liquidations[0]!.shortfallUsd).toBe(0)
  })
})
