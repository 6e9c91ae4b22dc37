import { describe, expect, it } from 'vitest'
import { createPollLoop } from './pollLoop.js'

describe('createPollLoop', () => {
  it('runs again at once while work remains and pauses when caught up', async () => {
    let rounds = 0
    const loop = createPollLoop({ run: async () => ++rounds < 5, intervalMs: 10_000, onError: () => {} })
    loop.start()
    await new Promise((r) => setTimeout(r, 50))
    expect(rounds).toBe(5)
    await loop.stop()
  })

  it('backs off exponentially on consecutive failures and resets after a success', async () => {
    const delays: number[] = []
    let rounds = 0
    const loop = createPollLoop({
      run: async () => {
        rounds++
        if (rounds <= 3) throw new Error('rpc down')
        return false
      },
      intervalMs: 5,
      onError: (_, failures, retryInMs) => {
        delays.push(retryInMs)
        expect(failures).toBe(delays.length)
      },
    })
    loop.start()
    await new Promise((r) => setTimeout(r, 150))
    await loop.stop()
    expect(delays).toEqual([10, 20, 40])
    expect(loop.failures()).toBe(0)
  })

  it('ends when the error handler says stop, and stop() wakes a long pause', async () => {
    const halted = createPollLoop({ run: () => Promise.reject(new Error('reorg')), intervalMs: 1, onError: () => 'stop' })
    halted.start()
    await halted.stop()
    const idle = createPollLoop({ run: async () => false, intervalMs: 60_000, onError: () => {} })
    idle.start()
    const started = Date.now()
    await new Promise((r) => setTimeout(r, 20))
    await idle.stop()
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})
