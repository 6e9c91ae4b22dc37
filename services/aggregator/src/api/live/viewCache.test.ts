import { describe, expect, it } from 'vitest'
import { createViewCache } from './viewCache.js'

const alice = '0x00000000000000000000000000000000000A11cE'
const bob = '0x0000000000000000000000000000000000000B0b'

/** A cache over views `{ balance }` the test sets, on a clock it moves, counting the views computed per account. */
function setup(options: { maxAgeMs?: number; maxStaleMs?: number; refreshPerSecond?: number; maxEntries?: number } = {}) {
  let nowMs = 0
  const balances = new Map<string, number>()
  const loads = new Map<string, number>()
  const gates: Array<() => void> = []
  let gated = false
  const cache = createViewCache({
    ...options,
    nowMs: () => nowMs,
    load: async (address: string) => {
      loads.set(address, (loads.get(address) ?? 0) + 1)
      const balance = balances.get(address) ?? 0
      if (gated) await new Promise<void>((resolve) => gates.push(resolve))
      if (balance < 0) throw new Error('load failed')
      return { balance }
    },
  })
  cache.storing = true
  const balanceOf = async (address: string) => (JSON.parse((await cache.get(address)).body) as { balance: number }).balance
  /** lets every gated load finish and waits for the stores they trigger */
  const release = async () => {
    for (const open of gates.splice(0)) open()
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  return {
    cache,
    balanceOf,
    set: (address: string, balance: number) => void balances.set(address, balance),
    tick: (ms: number) => {
      nowMs += ms
    },
    loads: (address: string) => loads.get(address) ?? 0,
    gate: (on: boolean) => {
      gated = on
    },
    release,
  }
}

describe('account view cache', () => {
  it('computes a view once and serves it until the account is invalidated', async () => {
    const { cache, balanceOf, set, loads } = setup()
    set(alice, 1)
    expect(await balanceOf(alice)).toBe(1)
    set(alice, 2)
    expect(await balanceOf(alice)).toBe(1)
    expect(loads(alice)).toBe(1)
    cache.invalidate(alice)
    expect(await balanceOf(alice)).toBe(2)
    expect(loads(alice)).toBe(2)
  })

  it('serves a view older than maxAgeMs at once while one background recomputation replaces it', async () => {
    const { balanceOf, set, tick, loads, gate, release } = setup({ maxAgeMs: 1_000 })
    set(alice, 1)
    await balanceOf(alice)
    set(alice, 2)
    tick(1_001)
    gate(true)
    // the aged view answers without waiting for its recomputation, which both reads share
    expect(await balanceOf(alice)).toBe(1)
    expect(await balanceOf(alice)).toBe(1)
    expect(loads(alice)).toBe(2)
    await release()
    expect(await balanceOf(alice)).toBe(2)
    expect(loads(alice)).toBe(2)
  })

  it('never stores a background recomputation that an invalidation overtook', async () => {
    const { cache, balanceOf, set, tick, gate, release } = setup({ maxAgeMs: 1_000 })
    set(alice, 1)
    await balanceOf(alice)
    tick(1_001)
    gate(true)
    await balanceOf(alice) // starts the recomputation, which reads balance 1
    set(alice, 3)
    cache.invalidate(alice)
    gate(false)
    expect(await balanceOf(alice)).toBe(3)
    await release()
    expect(await balanceOf(alice)).toBe(3)
  })

  it('computes before answering once a view is older than maxStaleMs', async () => {
    const { balanceOf, set, tick, loads } = setup({ maxAgeMs: 1_000, maxStaleMs: 5_000 })
    set(alice, 1)
    await balanceOf(alice)
    set(alice, 2)
    tick(5_001)
    expect(await balanceOf(alice)).toBe(2)
    expect(loads(alice)).toBe(2)
  })

  it('starts at most refreshPerSecond background recomputations a second, one at a time, serving aged views meanwhile', async () => {
    const { balanceOf, set, tick, loads, gate, release } = setup({ maxAgeMs: 1_000, refreshPerSecond: 1 })
    set(alice, 1)
    set(bob, 1)
    await balanceOf(alice)
    await balanceOf(bob)
    set(alice, 2)
    set(bob, 2)
    tick(1_001)
    gate(true)
    expect(await balanceOf(alice)).toBe(1)
    // alice's recomputation runs: bob's view is served aged, and not recomputed
    expect(await balanceOf(bob)).toBe(1)
    expect(loads(bob)).toBe(1)
    await release()
    gate(false)
    expect(await balanceOf(alice)).toBe(2)
    // the second's budget is spent
    expect(await balanceOf(bob)).toBe(1)
    await release()
    expect(loads(bob)).toBe(1)
    tick(1_000)
    expect(await balanceOf(bob)).toBe(1)
    await release()
    expect(await balanceOf(bob)).toBe(2)
  })

  it('keeps the aged view when its background recomputation fails', async () => {
    const { balanceOf, set, tick } = setup({ maxAgeMs: 1_000 })
    set(alice, 1)
    await balanceOf(alice)
    set(alice, -1)
    tick(1_001)
    expect(await balanceOf(alice)).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(await balanceOf(alice)).toBe(1)
  })

  it('drops the least recently computed view beyond maxEntries', async () => {
    const { cache, balanceOf, loads } = setup({ maxEntries: 1 })
    await balanceOf(alice)
    await balanceOf(bob)
    expect(cache.size).toBe(1)
    await balanceOf(bob)
    await balanceOf(alice)
    expect([loads(alice), loads(bob)]).toEqual([2, 1])
  })

  it('warms the views not stored yet, and stops when the cache is cleared meanwhile', async () => {
    const { cache, balanceOf, loads, gate, release } = setup()
    await balanceOf(alice)
    const addresses = Array.from({ length: 10 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`)
    expect(await cache.warm([alice, ...addresses], { concurrency: 3 })).toBe(10)
    expect(loads(alice)).toBe(1)
    expect(cache.size).toBe(11)

    cache.clear()
    gate(true)
    const warming = cache.warm(addresses, { concurrency: 2 })
    await new Promise((resolve) => setTimeout(resolve, 0))
    cache.clear()
    await release()
    expect(await warming).toBe(2)
    expect(loads(addresses[9]!)).toBe(1)
  })
})
