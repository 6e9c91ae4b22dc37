import { describe, expect, it } from 'vitest'
import { loadPricePath } from './prices.js'

describe('loadPricePath', () => {
  it('reads the shipped FTX week hour by hour with exact 8-decimal prices', () => {
    const path = loadPricePath()
    expect(path).toHaveLength(168)
    expect(path[0]).toEqual({ time: new Date('2022-11-06T00:00:00Z'), ethUsd8: 162880000000n, btcUsd8: 2131470000000n })
    const lowest = path.reduce((a, b) => (b.ethUsd8 < a.ethUsd8 ? b : a))
    expect(lowest.time.toISOString().slice(0, 10)).toBe('2022-11-09')
  })
})
