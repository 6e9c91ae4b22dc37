import type { MarketConfig } from '@unimargin/chains'
import type { PositionReport } from '@unimargin/protocol'
import { describe, expect, it } from 'vitest'
import { PositionReportError } from '../common/errors.js'
import type { PriceQuote } from '../pricing/index.js'
import { A, addr, E18, feeds, testConfig, usd } from '../test-utils.js'
import { checkReportBounds, entryPriceBandUsd8, MAX_REPORT_SEQUENCE } from './checkReportBounds.js'

const perp = testConfig().markets[0]!
const quote = (priceUsd8: bigint, stale = false): PriceQuote => ({
  chainId: A,
  feed: feeds.ethA,
  symbol: 'ETH',
  priceUsd8,
  roundId: 1n,
  updatedAt: 0n,
  blockNumber: 1n,
  ageSeconds: stale ? 3601n : 0n,
  stale,
})
const report = (fields: Partial<PositionReport> = {}): PositionReport => ({
  account: addr(0xa11ce),
  market: 'ETH-PERP',
  size: E18,
  entryPrice: usd(2000),
  sequence: 1n,
  ...fields,
})
const refusal = (market: MarketConfig, r: PositionReport, q: PriceQuote | undefined) => {
  try {
    checkReportBounds(market, r, q)
  } catch (error) {
    if (error instanceof PositionReportError) return error.code
    throw error
  }
  return undefined
}

describe('checkReportBounds', () => {
  it('accepts a report at the mark and within the defaults (20% band, 10^9 USD notional)', () => {
    expect(perp.maxEntryDeviationBps).toBe(2000)
    expect(perp.maxNotionalUsd8).toBe(usd(1_000_000_000))
    expect(refusal(perp, report(), quote(usd(2000)))).toBeUndefined()
  })

  it('refuses an entry price of 2^256−1 and of 0, and one a unit outside the band', () => {
    expect(refusal(perp, report({ entryPrice: 2n ** 256n - 1n }), quote(usd(2000)))).toBe('entry_price_out_of_band')
    expect(refusal(perp, report({ entryPrice: 0n }), quote(usd(2000)))).toBe('entry_price_out_of_band')
    expect(refusal(perp, report({ entryPrice: usd(1600) - 1n }), quote(usd(2000)))).toBe('entry_price_out_of_band')
    expect(refusal(perp, report({ entryPrice: usd(2400) + 1n }), quote(usd(2000)))).toBe('entry_price_out_of_band')
    expect(refusal(perp, report({ entryPrice: usd(1600) }), quote(usd(2000)))).toBeUndefined()
  })

  it('refuses size = min int256 and a notional one usd8 unit above the maximum, long or short', () => {
    const market = { ...perp, maxNotionalUsd8: usd(20_000) }
    expect(refusal(perp, report({ size: -(2n ** 255n) }), quote(usd(2000)))).toBe('notional_too_large')
    expect(refusal(market, report({ size: -10n * E18 }), quote(usd(2000)))).toBeUndefined()
    expect(refusal(market, report({ size: 10n * E18 }), quote(usd(2000) + 1n))).toBe('notional_too_large')
    expect(refusal(market, report({ size: -10n * E18 }), quote(usd(2000) + 1n))).toBe('notional_too_large')
  })

  it('refuses a sequence above 2^63−1, which no bigint column holds', () => {
    expect(refusal(perp, report({ sequence: MAX_REPORT_SEQUENCE }), quote(usd(2000)))).toBeUndefined()
    expect(refusal(perp, report({ sequence: MAX_REPORT_SEQUENCE + 1n }), quote(usd(2000)))).toBe('sequence_out_of_range')
  })

  it('refuses an open position without a mark price or with a stale one, but applies a close without either', () => {
    expect(refusal(perp, report(), undefined)).toBe('mark_price_unavailable')
    expect(refusal(perp, report(), quote(usd(2000), true))).toBe('mark_price_unavailable')
    expect(refusal(perp, report({ size: 0n }), undefined)).toBeUndefined()
    expect(refusal(perp, report({ size: 0n, entryPrice: 0n }), undefined)).toBe('entry_price_out_of_band')
  })

  it('holds a close to the entry band while a fresh mark price exists, so no report carries an entry price of 2^256−1', () => {
    expect(refusal(perp, report({ size: 0n, entryPrice: 2n ** 256n - 1n }), quote(usd(2000)))).toBe('entry_price_out_of_band')
    expect(refusal(perp, report({ size: 0n, entryPrice: usd(2000) }), quote(usd(2000)))).toBeUndefined()
  })
})

describe('entryPriceBandUsd8', () => {
  it('is the mark ± maxEntryDeviationBps for a perpetual or a future, never below 1', () => {
    expect(entryPriceBandUsd8(perp, usd(2000))).toEqual({ minUsd8: usd(1600), maxUsd8: usd(2400) })
    expect(entryPriceBandUsd8({ ...perp, maxEntryDeviationBps: 10_000 }, usd(2000))).toEqual({ minUsd8: 1n, maxUsd8: usd(4000) })
    const future = { ...perp, instrument: { kind: 'future' as const, expiry: 1_800_000_000 } }
    expect(entryPriceBandUsd8(future, 3n)).toEqual({ minUsd8: 3n, maxUsd8: 3n })
  })

  it('bounds an option premium by the mark plus the deviation for a call and by the strike for a put', () => {
    const option = (right: 'call' | 'put') => ({ ...perp, instrument: { kind: 'option' as const, expiry: 1_800_000_000, strikeUsd8: usd(1800), right } })
    expect(entryPriceBandUsd8(option('call'), usd(2000))).toEqual({ minUsd8: 1n, maxUsd8: usd(2400) })
    expect(entryPriceBandUsd8(option('put'), usd(2000))).toEqual({ minUsd8: 1n, maxUsd8: usd(1800) })
  })
})
