import { describe, expect, it } from 'vitest'
import { createPollLoop } from './pollLoop.js'
import { createWatchdog, type Stall } from './watchdog.js'

describe('the watchdog', () => {
  it('reports once a round of a loop that never ends, by the loop name, and lists it as stalled', async () => {
    const stalls: Stall[] = []
    const watchdog = createWatchdog({ stallAfterMs: 30, onStall: (s) => stalls.push(s) })
    let rounds = 0
    const hung = createPollLoop({ name: 'relayer', watchdog, intervalMs: 1, onError: () => {}, run: () => (++rounds === 2 ? new Promise<boolean>(() => {}) : Promise.resolve(false)) })
    hung.start()
    await new Promise((r) => setTimeout(r, 150))
    expect(rounds).toBe(2)
    expect(stalls).toHaveLength(1)
    expect(stalls[0]).toMatchObject({ name: 'relayer' })
    expect(stalls[0]!.elapsedMs).toBeGreaterThanOrEqual(30)
    expect(watchdog.stalled().map((s) => s.name)).toEqual(['relayer'])
  })

  it('stays quiet for rounds that end, failed or not, however many there are', async () => {
    const stalls: Stall[] = []
    const watchdog = createWatchdog({ stallAfterMs: 30, onStall: (s) => stalls.push(s) })
    let rounds = 0
    const loop = createPollLoop({
      name: 'aggregator',
      watchdog,
      intervalMs: 1,
      onError: () => {},
      run: async () => {
        rounds++
        await new Promise((r) => setTimeout(r, 5))
        if (rounds % 2 === 0) throw new Error('database restarting')
        return false
      },
    })
    loop.start()
    await new Promise((r) => setTimeout(r, 150))
    await loop.stop()
    expect(rounds).toBeGreaterThan(3)
    expect(stalls).toEqual([])
    expect(watchdog.stalled()).toEqual([])
  })
})
