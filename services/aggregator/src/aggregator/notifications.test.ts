import { ACCOUNT_CHANNEL, type Database, listen, PRICES_CHANNEL, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, addr, B, crashingBeforeCommit, createEmitter, E6, feeds, silentLogger, testConfig, tokens } from '../test-utils.js'
import { createAggregator } from './createAggregator.js'

const alice = addr(0xa11ce)
const bob = addr(0xb0b)

describe.each(testDatabases())('change notifications of the aggregator on $kind', ({ open }) => {
  let database: Database
  let stops: Array<() => Promise<void>> = []
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    for (const stop of stops) await stop()
    stops = []
    await database.close()
  })

  /** The payloads received on `channel` so far. */
  const received = async (channel: string) => {
    const payloads: string[] = []
    stops.push(await listen(database.db, channel, { onMessage: (p) => payloads.push(p) }))
    return payloads
  }

  it('notifies a depositor once when the deposit commits, and not for an attempt that rolled back', async () => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    const accounts = await received(ACCOUNT_CHANNEL)
    // the attempt credits the balance and queues the notification, then dies before committing
    const failing = createAggregator({
      db: crashingBeforeCommit(database.db),
      config,
      logger: silentLogger,
      now: () => new Date('2024-01-01T00:00:00Z'),
    })
    await emitter.deposit(B, alice, tokens.usdcB, 7n * E6)
    await expect(failing.processPending()).rejects.toThrow('crashed')

    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => new Date('2024-01-01T00:00:00Z') })
    await aggregator.processPending()
    await emitter.deposit(B, bob, tokens.usdcB, 1n * E6)
    await aggregator.processPending()
    // notifications arrive in commit order: one from the rolled back attempt would come before these
    await expect.poll(() => accounts.length).toBeGreaterThanOrEqual(2)
    expect(accounts).toEqual([alice, bob])
  })

  it('sends one price message naming the feed when a price update commits', async () => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    const prices = await received(PRICES_CHANNEL)
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => new Date('2024-01-01T00:00:00Z') })
    await emitter.price(A, feeds.ethA, 2000n * 10n ** 8n)
    await aggregator.processPending()
    await expect.poll(() => prices.length).toBe(1)
    expect(prices[0]?.toLowerCase()).toBe(`${A}:${feeds.ethA.toLowerCase()}`)
  })
})
