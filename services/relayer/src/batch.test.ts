import { describe, expect, it } from 'vitest'
import { chunkByGas, groupBy, passing, stepOutcome } from './batch.js'
import { staleWhileRevalidate } from './cache.js'
import { NotYetError, PermanentDeliveryError } from './errors.js'

describe('chunkByGas', () => {
  it('cuts a batch where the next item would take it over the gas cap or the size limit', () => {
    const gas = (x: bigint) => x
    expect(chunkByGas([5n, 5n, 5n, 5n, 5n], gas, 2n, 12n, 10)).toEqual([[5n, 5n], [5n, 5n], [5n]])
    expect(chunkByGas([1n, 1n, 1n, 1n, 1n], gas, 0n, 100n, 2)).toEqual([[1n, 1n], [1n, 1n], [1n]])
  })

  it('gives an item heavier than the cap a batch of its own rather than dropping it', () => {
    expect(chunkByGas([3n, 50n, 3n], (x) => x, 0n, 10n, 10)).toEqual([[3n], [50n], [3n]])
    expect(chunkByGas([], (x: bigint) => x, 0n, 10n, 10)).toEqual([])
  })
})

describe('groupBy', () => {
  it('keeps the first-seen order of keys and of items within a group', () => {
    expect([...groupBy(['b1', 'a1', 'b2', 'a2'], (x) => x[0]!)]).toEqual([
      ['b', ['b1', 'b2']],
      ['a', ['a1', 'a2']],
    ])
  })
})

describe('passing', () => {
  it('returns the indices whose check passed, in order, and records the error of each that failed', async () => {
    const results: unknown[] = [undefined, undefined, undefined]
    const boom = new Error('expired')
    const live = await passing([1, 2, 3], results, async (x) => {
      await new Promise((r) => setTimeout(r, 4 - x))
      if (x === 2) throw boom
    })
    expect(live).toEqual([0, 2])
    expect(results).toEqual([undefined, boom, undefined])
  })
})

describe('staleWhileRevalidate', () => {
  it('serves the cached value while it is young and, once stale, still serves it while reloading in the background', async () => {
    let loads = 0
    const get = staleWhileRevalidate(async () => ++loads, 20, 60_000)
    expect(await get()).toBe(1)
    expect(await get()).toBe(1)
    await new Promise((r) => setTimeout(r, 30))
    expect(await get()).toBe(1)
    await new Promise((r) => setTimeout(r, 5))
    expect(await get()).toBe(2)
    expect(loads).toBe(2)
  })

  it('waits for a fresh load once the cached value is older than its maximum age', async () => {
    let loads = 0
    const get = staleWhileRevalidate(async () => ++loads, 0, 20)
    expect(await get()).toBe(1)
    await new Promise((r) => setTimeout(r, 40))
    expect(await get()).toBe(2)
  })

  it('forgets a failed load so the next call tries again', async () => {
    let calls = 0
    const get = staleWhileRevalidate(async () => {
      calls++
      if (calls === 1) throw new Error('rpc down')
      return 'ok'
    }, 10, 10)
    await expect(get()).rejects.toThrow('rpc down')
    expect(await get()).toBe('ok')
  })
})

describe('stepOutcome', () => {
  it('reads a step result as done, not yet (with its delay) or failed (retryable unless no retry can change it)', () => {
    expect(stepOutcome(undefined)).toEqual({ kind: 'done' })
    expect(stepOutcome(new NotYetError('not final', 250))).toEqual({ kind: 'notYet', retryInMs: 250 })
    const rpc = new Error('rpc down')
    expect(stepOutcome(rpc)).toEqual({ kind: 'failed', error: rpc, retryable: true })
    const refused = new PermanentDeliveryError('vault refused the command: CommandExpired')
    expect(stepOutcome(refused)).toEqual({ kind: 'failed', error: refused, retryable: false })
  })
})
