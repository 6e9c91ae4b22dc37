import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { stopWithin } from './shutdown.js'

const logger = pino({ level: 'silent' })
const after = (ms: number, log: string[], name: string) => () =>
  new Promise<void>((resolve) =>
    setTimeout(() => {
      log.push(name)
      resolve()
    }, ms),
  )

describe('stopWithin', () => {
  it('stops every part in order when each stops in time', async () => {
    const log: string[] = []
    const result = await stopWithin(
      [
        { name: 'api', stop: after(5, log, 'api') },
        { name: 'relayer', stop: after(5, log, 'relayer') },
        { name: 'database', stop: after(5, log, 'database') },
      ],
      5_000,
      logger,
    )
    expect(log).toEqual(['api', 'relayer', 'database'])
    expect(result).toEqual({ unfinished: [], failed: [] })
  })

  it('gives up at the deadline on a part that hangs and names it and the parts after it', async () => {
    const log: string[] = []
    const started = Date.now()
    const result = await stopWithin(
      [
        { name: 'api', stop: after(1, log, 'api') },
        { name: 'watcher 31337', stop: () => new Promise<void>(() => {}) },
        { name: 'database', stop: after(1, log, 'database') },
      ],
      200,
      logger,
    )
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(log).toEqual(['api'])
    expect(result.unfinished).toEqual(['watcher 31337', 'database'])
  })

  it('goes on after a part whose stop throws, and reports it', async () => {
    const log: string[] = []
    const result = await stopWithin(
      [
        {
          name: 'relayer',
          stop: async () => {
            throw new Error('socket hang up')
          },
        },
        { name: 'database', stop: after(1, log, 'database') },
      ],
      5_000,
      logger,
    )
    expect(log).toEqual(['database'])
    expect(result).toEqual({ unfinished: [], failed: [{ name: 'relayer', error: 'socket hang up' }] })
  })
})
