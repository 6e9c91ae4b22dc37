import { describe, expect, it } from 'vitest'
import { computeAccountMargin } from './computeAccountMargin.js'
import { maxWithdrawable } from './maxWithdrawable.js'
import type { AccountMarginInput } from './types.js'

const usd = (n: number | bigint) => BigInt(n) * 10n ** 8n
const eth = { chainId: 1, symbol: 'ETH', asset: '0xe', amount: 2n * 10n ** 18n, decimals: 18, priceUsd8: usd(2000), haircutBps: 1000 }
const usdc = { chainId: 2, symbol: 'USDC', asset: '0xu', amount: 1000_000000n, decimals: 6, priceUsd8: usd(1), haircutBps: 0 }
const longEth = { market: 'ETH-PERP', size: 15n * 10n ** 17n, entryPrice: usd(2100), markPrice: usd(2000), imfBps: 1000, mmfBps: 500 }
const input: AccountMarginInput = { collateral: [eth, usdc], positions: [longEth], settledPnlUsd8: -usd(50) }

describe('computeAccountMargin', () => {
  it('values collateral at oracle price less haircut and positions at mark', () => {
    const m = computeAccountMargin(input)
    expect(m.collateral.map((c) => [c.valueUsd8, c.weightedUsd8])).toEqual([
      [usd(4000), usd(3600)],
      [usd(1000), usd(1000)],
    ])
    expect(m.positions[0]).toMatchObject({ notionalUsd8: usd(3000), unrealizedPnlUsd8: -usd(150), imUsd8: usd(300), mmUsd8: usd(150) })
    // 3600 + 1000 − 150 − 50
    expect(m.equityUsd8).toBe(usd(4400))
    expect(m.imUsd8).toBe(usd(300))
    expect(m.mmUsd8).toBe(usd(150))
    expect(m.freeCollateralUsd8).toBe(usd(4100))
    expect(m.healthBps).toBe(293333n)
    expect(m.health).toBe('29.3333')
  })

  it('reports no health when there is no maintenance requirement', () => {
    const m = computeAccountMargin({ collateral: [usdc], positions: [], settledPnlUsd8: 0n })
    expect(m.health).toBeNull()
    expect(m.healthBps).toBeNull()
    expect(m.equityUsd8).toBe(usd(1000))
  })

  it('rounds values and P&L down and requirements up', () => {
    const dust = { market: 'X', size: -3n, entryPrice: 1n, markPrice: 2n, imfBps: 1, mmfBps: 1 }
    const m = computeAccountMargin({
      collateral: [{ ...eth, amount: 1n, haircutBps: 0, priceUsd8: 1n }],
      positions: [dust],
      settledPnlUsd8: 0n,
    })
    expect(m.collateral[0]?.valueUsd8).toBe(0n)
    expect(m.positions[0]).toMatchObject({ unrealizedPnlUsd8: -1n, imUsd8: 1n, mmUsd8: 1n, notionalUsd8: 1n })
    expect(m.equityUsd8).toBe(-1n)
    expect(m.health).toBe('-1.0000')
  })

  it('gains on a short when the mark falls', () => {
    const m = computeAccountMargin({ collateral: [], positions: [{ ...longEth, size: -longEth.size }], settledPnlUsd8: 0n })
    expect(m.positions[0]?.unrealizedPnlUsd8).toBe(usd(150))
  })

  it('values a liability at the price marked up by the haircut, rounding against the account', () => {
    const owed = { ...eth, amount: -(10n ** 18n) - 1n }
    const m = computeAccountMargin({ collateral: [owed], positions: [], settledPnlUsd8: 0n })
    // −(1 ETH + 1 wei) · 2000 · 1.1 = −2200.0000000000000022 USD → floor to −2200.00000001
    expect(m.collateral[0]?.weightedUsd8).toBe(-usd(2200) - 1n)
    expect(m.collateral[0]?.valueUsd8).toBe(-usd(2000) - 1n)
    expect(m.equityUsd8).toBe(-usd(2200) - 1n)
  })

  it('refuses a haircut outside 0..10000 bps', () => {
    expect(() => computeAccountMargin({ collateral: [{ ...eth, haircutBps: 10_001 }], positions: [], settledPnlUsd8: 0n })).toThrow(RangeError)
  })
})

describe('maxWithdrawable', () => {
  const margin = computeAccountMargin(input)

  it('allows more than the item holds when the excess covers the rest as a liability on that chain', () => {
    // excess = 4400 − 300 − 100 = 4000 USD; USDC weighs 1 both ways: 1000 held + 3000 owed
    expect(maxWithdrawable({ margin, item: usdc, bufferUsd8: usd(100) })).toBe(4000_000000n)
    // ETH: 3600 USD of weight held, the other 400 USD at 2000 · 1.1 per ETH owed
    const x = maxWithdrawable({ margin, item: eth, bufferUsd8: usd(100) })
    expect(x).toBeGreaterThan(eth.amount)
    const after = computeAccountMargin({ ...input, collateral: [{ ...eth, amount: eth.amount - x }, usdc] })
    expect(after.equityUsd8 - after.imUsd8).toBeGreaterThanOrEqual(usd(100))
    const oneMore = computeAccountMargin({ ...input, collateral: [{ ...eth, amount: eth.amount - x - 10n ** 10n }, usdc] })
    expect(oneMore.equityUsd8 - oneMore.imUsd8).toBeLessThan(usd(100))
  })

  it('allows a withdrawal on a chain where the account holds nothing, up to what the other chains cover', () => {
    const none = { ...usdc, chainId: 3, amount: 0n }
    const m = computeAccountMargin({ ...input, collateral: [eth, usdc, none] })
    expect(maxWithdrawable({ margin: m, item: none, bufferUsd8: usd(100) })).toBe(4000_000000n)
  })

  it('caps the amount so equity stays at IM plus buffer, rounded down', () => {
    // excess = 4400 − 300 − 3400 = 700 USD
    expect(maxWithdrawable({ margin, item: usdc, bufferUsd8: usd(3400) })).toBe(700_000000n)
    // ETH weighs 1800 USD per ETH: keep ceil(2900 / 1800 ETH) = 1.611111111111111112 ETH
    const x = maxWithdrawable({ margin, item: eth, bufferUsd8: usd(3400) })
    expect(x).toBe(2n * 10n ** 18n - 1611111111111111112n)
    const after = computeAccountMargin({ ...input, collateral: [{ ...eth, amount: eth.amount - x }, usdc] })
    expect(after.equityUsd8 - after.imUsd8).toBeGreaterThanOrEqual(usd(3400))
    const oneMore = computeAccountMargin({ ...input, collateral: [{ ...eth, amount: eth.amount - x - 10n ** 10n }, usdc] })
    expect(oneMore.equityUsd8 - oneMore.imUsd8).toBeLessThan(usd(3400))
  })

  it('allows nothing when the account is already below IM plus buffer', () => {
    expect(maxWithdrawable({ margin, item: usdc, bufferUsd8: usd(4200) })).toBe(0n)
  })

  it('allows all of an item that carries no weight, and any more only as a liability at twice its price', () => {
    const worthless = { ...usdc, haircutBps: 10_000 }
    const m = computeAccountMargin({ ...input, collateral: [eth, worthless] })
    // equity = 3600 − 150 unrealised − 50 settled = 3400; excess over IM 300 = 3100 USD; owed USDC weighs 2 USD each
    expect(maxWithdrawable({ margin: m, item: worthless, bufferUsd8: 0n })).toBe(worthless.amount + 1550_000000n)
  })

  it('allows nothing of an item without a price', () => {
    expect(maxWithdrawable({ margin, item: { ...usdc, priceUsd8: 0n }, bufferUsd8: 0n })).toBe(0n)
  })
})
