import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPortfolioEngine } from '../engine/createPortfolioEngine.js'
import { accountWithWrappedArb, market, universe } from '../testing/arbitraries.js'
import { eth, usd, usdc } from '../testing/fixtures.js'
import type { PortfolioAccount } from '../types.js'
import { createBatchEngine } from './createBatchEngine.js'
import { createBatchResults, REGISTER_POSITIONS, revalueAccounts } from './kernel.js'
import { recheckAccounts } from './recheck.js'
import { repriceUnderlying } from './repriceUnderlying.js'
import { CHUNK_ACCOUNTS } from './wasmChunks.js'

const engine = createPortfolioEngine()
const keys = ['equityUsd', 'riskUsd', 'minPnlUsd', 'gapUsd', 'worstScenario'] as const
const bits = (x: Float64Array | Uint16Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)

/** collateral only (ETH not risk-cancelling: exposed to ETH without a position) */
const noPositions: PortfolioAccount = { positions: [], collateral: [usdc(1, 20_000), eth(2, 3)], settledPnlUsd8: 0n }
/** more positions than the largest register width: the accumulator path */
const manyPositions: PortfolioAccount = {
  positions: universe.slice(0, REGISTER_POSITIONS + 2).map((instrument, j) => ({ instrument, size: (j % 2 ? -1n : 1n) * 10n ** 17n * BigInt(j + 1), entryPrice: usd(1_000) })),
  collateral: [usdc(1, 100_000), eth(1, 2)],
  settledPnlUsd8: usd(-50),
}

/** three chunks' worth of sampled accounts, with accounts the module leaves to the account-by-account path among them */
function book() {
  const sample = fc.sample(accountWithWrappedArb, { numRuns: 400, seed: 31 })
  const list = Array.from({ length: 2 * CHUNK_ACCOUNTS + 300 }, (_, a) => (a % 97 === 5 ? noPositions : a % 89 === 7 ? manyPositions : sample[a % sample.length]!))
  const batch = createBatchEngine(engine)
  const { accounts, assetPrice } = batch.buildAccounts(list, market.nowMs)
  return { batch, accounts, assetPrice, list }
}

describe('module chunks', () => {
  it('revalue ranges holding accounts without positions and with more than 12 with the account-by-account bits', () => {
    const { batch, accounts, assetPrice } = book()
    const loaded = batch.load(accounts, assetPrice, market)
    const counts = Array.from({ length: accounts.count }, (_, a) => accounts.positionStart[a + 1]! - accounts.positionStart[a]!)
    expect(counts.filter((n) => n === 0).length).toBeGreaterThan(10)
    expect(counts.filter((n) => n > REGISTER_POSITIONS).length).toBeGreaterThan(10)
    const one = createBatchResults(accounts.count)
    revalueAccounts(accounts, loaded.prices, assetPrice, loaded.naked, one, Uint32Array.from({ length: accounts.count }, (_, a) => a))
    for (const k of keys) expect(bits(loaded.results[k]).equals(bits(one[k])), k).toBe(true)
  })

  it('re-check such accounts after a tick with the JavaScript loop’s bits and a full revaluation’s results', () => {
    const { batch, accounts, assetPrice } = book()
    const viaModule = batch.load(accounts, Float64Array.from(assetPrice), market)
    const viaLoop = batch.load(accounts, Float64Array.from(assetPrice), market)
    const reference = batch.load(accounts, Float64Array.from(assetPrice), market)
    let m = market
    for (const move of [0.001, -0.02, 0.0005]) {
      const q = m.underlyings.ETH!
      m = { ...m, underlyings: { ...m.underlyings, ETH: { ...q, spotUsd8: (q.spotUsd8 * BigInt(Math.round((1 + move) * 1e6))) / 1_000_000n } } }
      const ctx = engine.context(m)
      const u = ctx.underlyingIndex.get('ETH')!
      const which = viaModule.exposure.accounts.subarray(viaModule.exposure.start[u]!, viaModule.exposure.start[u + 1]!)
      const full = [viaModule, viaLoop].map((b, i) => {
        repriceUnderlying(b, batch.instruments, batch.assets, ctx, u)
        return recheckAccounts(b.accounts, b.prices, b.previous, u, b.assetPrice, b.naked, b.results, which, which.length, i === 0)
      })
      batch.revalueAll(reference, m)
      expect(full[0]).toBe(full[1])
      for (const k of keys) expect(bits(viaModule.results[k]).equals(bits(viaLoop.results[k])), k).toBe(true)
      for (const k of ['equityUsd', 'riskUsd', 'minPnlUsd', 'worstScenario'] as const) expect(bits(viaModule.results[k]).equals(bits(reference.results[k])), k).toBe(true)
    }
  })
})
