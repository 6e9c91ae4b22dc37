import { chainEvents, type Database, testDatabases } from '@unimargin/db'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, addr, testConfig } from '../test-utils.js'
import { createAggregator } from './createAggregator.js'

describe.each(testDatabases())('the aggregator log on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  /** Processes one price tick of a feed the config does not list (ignored) with the logger at `level`; returns the messages. */
  const messagesAt = async (level: 'info' | 'debug', logIndex: number) => {
    const lines: Array<{ msg: string; level: number }> = []
    const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as { msg: string; level: number }) })
    const aggregator = createAggregator({ db: database.db, config: testConfig(), logger })
    await database.db.insert(chainEvents).values({
      chainId: A,
      blockNumber: 10n,
      blockHash: '0xaa',
      blockTimestamp: 1_700_000_000n,
      txHash: '0xbb',
      logIndex,
      address: addr(0xfeed),
      eventName: 'AnswerUpdated',
      args: { current: '100000000', roundId: '1', updatedAt: '1700000000' },
    })
    expect(await aggregator.processPending()).toBe(1)
    return lines
  }

  it('logs an ignored price tick at debug only, not at info where every tick would fill the log', async () => {
    expect((await messagesAt('info', 0)).map((l) => l.msg)).not.toContain('Ignored event')
    const debug = await messagesAt('debug', 1)
    expect(debug.find((l) => l.msg === 'Ignored event')?.level).toBe(20)
  })
})
