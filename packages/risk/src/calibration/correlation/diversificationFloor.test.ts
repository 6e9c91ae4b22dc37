import { describe, expect, it } from 'vitest'
import { diversificationFloor } from './diversificationFloor.js'
import { underlyingWorstLosses } from './underlyingWorstLosses.js'

// two underlyings, three scenarios: both down, A down alone, both up
const rowA = Float64Array.from([-10, -10, 10])
const rowB = Float64Array.from([-5, 0, 5])

describe('underlyingWorstLosses', () => {
  it('sums only the holdings of each underlying, so the others are held flat', () => {
    const losses = underlyingWorstLosses(
      [
        { qty: 1, row: rowA, underlyingIndex: 0 },
        { qty: -2, row: rowB, underlyingIndex: 1 },
      ],
      3,
      3,
    )
    expect([...losses]).toEqual([10, 10, 0])
  })

  it('nets holdings on the same underlying before taking the worst scenario', () => {
    const losses = underlyingWorstLosses(
      [
        { qty: 1, row: rowA, underlyingIndex: 0 },
        { qty: -1, row: rowA, underlyingIndex: 0 },
      ],
      1,
      3,
    )
    expect(losses[0]).toBe(0)
  })
})

describe('diversificationFloor', () => {
  const hedge = [
    { qty: 1, row: rowA, underlyingIndex: 0 },
    { qty: -2, row: rowB, underlyingIndex: 1 },
  ]

  it('raises a joint worst loss below (1 − maxCredit) × the largest single-underlying loss to that floor', () => {
    const d = diversificationFloor(2, hedge, 2, 3, 0.6)
    expect(d.largestUsd).toBe(10)
    expect(d.floorUsd).toBeCloseTo(4, 12)
    expect(d.binding).toBe(true)
    expect(d.worstLossUsd).toBe(d.floorUsd)
  })

  it('keeps the joint worst loss when it is already above the floor', () => {
    const d = diversificationFloor(7, hedge, 2, 3, 0.6)
    expect(d.binding).toBe(false)
    expect(d.worstLossUsd).toBe(7)
  })

  it('with maxCredit 1 never binds, and with maxCredit 0 charges at least the largest single-underlying loss', () => {
    expect(diversificationFloor(0, hedge, 2, 3, 1).worstLossUsd).toBe(0)
    expect(diversificationFloor(0, hedge, 2, 3, 0).worstLossUsd).toBe(10)
  })

  it('refuses a maxCredit outside 0..1', () => {
    expect(() => diversificationFloor(0, hedge, 2, 3, 1.5)).toThrow(RangeError)
  })
})
