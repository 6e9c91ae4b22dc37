import type { NodeStatusView } from '@unimargin/client'
import { chainCheckpoints, chainEvents, commands, type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, addr, B, testConfig } from '../../test-utils.js'
import { createApi } from '../createApi.js'

const now = new Date('2030-01-01T00:01:00Z')

describe.each(testDatabases())('GET /v1/status on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  it('shows every configured chain with its finality, head, checkpoint, lag and halt, and the outbox by state', async () => {
    await database.db.insert(chainCheckpoints).values([
      { chainId: A, blockNumber: 90n, blockHash: '0x01', headBlock: 95n, headSeenAt: new Date('2030-01-01T00:00:50Z') },
      { chainId: B, blockNumber: 10n, blockHash: '0x02', haltedReason: 'reorg below finality', haltedAt: new Date('2030-01-01T00:00:00Z') },
    ])
    await database.db.insert(chainEvents).values({ chainId: B, blockNumber: 9n, blockHash: '0xaa', blockTimestamp: 1n, txHash: '0xbb', logIndex: 0, address: addr(1), eventName: 'Deposited', args: {} })
    await database.db.insert(commands).values({ id: '0x01', kind: 'Lock', account: addr(2), destChainId: A, vault: addr(3), payload: '0x00', expiry: 0n, state: 'dead', cause: 'test' })
    const res = await createApi({ db: database.db, config: testConfig(), now: () => now }).request('/v1/status')
    expect(res.status).toBe(200)
    const body = (await res.json()) as NodeStatusView
    expect(body.chains[0]).toEqual({
      name: 'chain-1001',
      chainId: A,
      finality: 'confirmations',
      confirmations: expect.any(Number),
      headBlock: '95',
      checkpointBlock: '90',
      lagBlocks: '5',
      headAgeSeconds: 10,
      halted: null,
      unprocessedEvents: 0,
    })
    expect(body.chains[1]).toMatchObject({ chainId: B, headBlock: null, lagBlocks: null, halted: { reason: 'reorg below finality', since: '2030-01-01T00:00:00.000Z' }, unprocessedEvents: 1 })
    expect(body.chains[2]).toMatchObject({ checkpointBlock: null, halted: null })
    expect(body.outbox).toEqual({ pending: 0, published: 0, attested: 0, delivered: 0, executed: 0, failed: 0, dead: 1, cancelled: 0 })
  })
})
