import { BaseError, TransactionExecutionError } from 'viem'
import { describe, expect, it } from 'vitest'
import { chunkByGas, forAll, groupBy, passing, stepResult, stepResults } from './batch.js'
import { staleWhileRevalidate } from './cache.js'
import { NotYetError, PermanentDeliveryError, StepFailedError } from './errors.js'
import type { CommandRow } from './outbox.js'

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

describe('step results', () => {
  const command = { id: `0x${'01'.repeat(32)}`, state: 'published', attempts: 0 } as CommandRow

  it('tags a verdict as done, not yet (with its delay and reason) or failed (retryable unless no retry can change it), carrying the command', () => {
    expect(stepResult(command, undefined)).toEqual({ kind: 'done', command })
    expect(stepResult(command, new NotYetError('not final', 250))).toEqual({ kind: 'notYet', command, retryInMs: 250, reason: 'not final' })
    const refused = new PermanentDeliveryError('vault refused the command: CommandExpired')
    expect(stepResult(command, refused)).toEqual({ kind: 'failed', command, error: refused, retryable: false })
    const reverted = new StepFailedError('Delivery 0xab reverted.')
    expect(stepResult(command, reverted)).toEqual({ kind: 'failed', command, error: reverted, retryable: true })
  })

  it('wraps an error from outside the project in a retryable StepFailedError that keeps it as its cause and viem\'s short message', () => {
    const rpc = new Error('rpc down')
    const result = stepResult(command, rpc)
    expect(result.kind === 'failed' && result.error).toBeInstanceOf(StepFailedError)
    expect(result).toMatchObject({ kind: 'failed', retryable: true, error: { message: 'rpc down', cause: rpc } })
    const viem = new TransactionExecutionError(new BaseError('nonce too low'), { account: undefined, chain: undefined } as never)
    expect(stepResult(command, viem)).toMatchObject({ error: { message: viem.shortMessage, cause: viem } })
  })

  it('gives every command of a batch the error that failed the whole step', async () => {
    const other = { ...command, id: `0x${'02'.repeat(32)}` } as CommandRow
    const down = new Error('hub unreachable')
    const results = await forAll([command, other], async () => {
      throw down
    })
    expect(results.map((r) => [r.kind, r.command.id, r.kind === 'failed' && r.error.cause])).toEqual([
      ['failed', command.id, down],
      ['failed', other.id, down],
    ])
    expect(stepResults([command, other], [undefined, new NotYetError('wait', 5)]).map((r) => [r.kind, r.command])).toEqual([
      ['done', command],
      ['notYet', other],
    ])
  })
})
