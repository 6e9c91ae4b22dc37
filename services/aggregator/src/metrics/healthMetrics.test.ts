import { describe, expect, it } from 'vitest'
import { accountsByHealthBand, healthBandOf, recordAccountHealth } from './healthMetrics.js'

const bandCount = async (band: string) => (await accountsByHealthBand.get()).values.find((v) => v.labels.band === band)?.value

describe('accounts by health band', () => {
  it('puts an account below MM, between MM and IM, or at IM and above, and none without a requirement', () => {
    const margin = (equityUsd8: bigint) => ({ equityUsd8, imUsd8: 200n, mmUsd8: 100n })
    expect(healthBandOf(margin(99n))).toBe('below_mm')
    expect(healthBandOf(margin(100n))).toBe('below_im')
    expect(healthBandOf(margin(199n))).toBe('below_im')
    expect(healthBandOf(margin(200n))).toBe('healthy')
    expect(healthBandOf({ equityUsd8: -5n, imUsd8: 0n, mmUsd8: 0n })).toBeUndefined()
  })

  it('counts each account once, in the band of its last valuation, and drops one that no longer has a requirement', async () => {
    const before = { below_mm: (await bandCount('below_mm')) ?? 0, healthy: (await bandCount('healthy')) ?? 0 }
    recordAccountHealth('0x00000000000000000000000000000000000000A1', 'healthy')
    recordAccountHealth('0x00000000000000000000000000000000000000a1', 'below_mm')
    expect(await bandCount('below_mm')).toBe(before.below_mm + 1)
    expect(await bandCount('healthy')).toBe(before.healthy)
    recordAccountHealth('0x00000000000000000000000000000000000000a1', undefined)
    expect(await bandCount('below_mm')).toBe(before.below_mm)
  })
})
