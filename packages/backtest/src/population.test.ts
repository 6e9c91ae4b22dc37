import { describe, expect, it } from 'vitest'
import { samplePopulation, seededUniform } from './population.js'

const prices = { ETH: 2_000, BTC: 40_000 }

describe('samplePopulation', () => {
  it('draws the same books from the same seed and different books from another', () => {
    const a = samplePopulation({ seed: 7, size: 50 }).map((p) => p.description)
    expect(samplePopulation({ seed: 7, size: 50 }).map((p) => p.description)).toEqual(a)
    expect(samplePopulation({ seed: 8, size: 50 }).map((p) => p.description)).not.toEqual(a)
  })

  it('scales positions and spot legs by the size draw and cash by size × cash draw, within the ranges', () => {
    for (const book of samplePopulation({
      seed: 3,
      size: 40,
      scale: [2, 4],
      cash: [0.5, 1],
    })) {
      const [, s, c] = /× ([\d.]+), cash × ([\d.]+)/.exec(book.description)!.map(Number)
      expect(s!).toBeGreaterThanOrEqual(2)
      expect(s!).toBeLessThanOrEqual(4)
      expect(c! / s!).toBeGreaterThanOrEqual(0.49)
      expect(c! / s!).toBeLessThanOrEqual(1.01)
      expect(book.build(prices, 0).positions.length).toBeGreaterThan(0)
    }
  })

  it('refuses an empty population', () => {
    expect(() => samplePopulation({ size: 0 })).toThrow(RangeError)
  })
})

describe('seededUniform', () => {
  it('draws in [0, 1) as a pure function of seed and key', () => {
    const xs = Array.from({ length: 1_000 }, (_, k) => seededUniform(1, String(k)))
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1)
    expect(seededUniform(1, 'a')).toBe(seededUniform(1, 'a'))
  })
})
