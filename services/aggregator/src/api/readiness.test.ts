import type { ReadyView } from '@unimargin/client'
import { chainCheckpoints, type Database, eq, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, B, C, testConfig } from '../test-utils.js'
import { createApi } from './createApi.js'
import { maxHeadAgeSeconds } from './readiness.js'

const NOW = new Date('2030-01-01T00:00:00Z')
const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000)

describe.each(testDatabases())('/ready on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const config = testConfig()
  const ready = async () => {
    const res = await createApi({ db: database.db, config, now: () => NOW }).request('/ready')
    return { status: res.status, body: (await res.json()) as ReadyView }
  }
  /** Every chain checkpointed at block 100 with head 102, seen 5 s ago. */
  const checkpointAll = () =>
    database.db.insert(chainCheckpoints).values(
      [A, B, C].map((chainId) => ({ chainId, blockNumber: 100n, blockHash: '0x01' as const, headBlock: 102n, headSeenAt: secondsAgo(5), updatedAt: secondsAgo(5) })),
    )

  it('answers 200 when every chain has a checkpoint and a head seen within its block time allowance', async () => {
    await checkpointAll()
    expect(await ready()).toEqual({
      status: 200,
      body: { ready: true, chainsWithoutCheckpoint: [], lateUnprocessedEvents: 0, haltedChains: [], staleChains: [], leases: [] },
    })
  })

  it('answers 503 naming a chain whose watcher halted on a reorg below finality, with the reason and block, instead of staying 200', async () => {
    await checkpointAll()
    const reason = `Chain ${B} reorganised below its finality depth: block 100 was 0x01 when written, now 0x02.`
    await database.db.update(chainCheckpoints).set({ haltedReason: reason, haltedAt: secondsAgo(1) }).where(eq(chainCheckpoints.chainId, B))
    const { status, body } = await ready()
    expect(status).toBe(503)
    expect(body).toMatchObject({ ready: false, staleChains: [] })
    expect(body.haltedChains).toEqual([{ chainId: B, name: `chain-${B}`, reason, blockNumber: '100', haltedAt: secondsAgo(1).toISOString() }])
  })

  it('answers 503 naming a chain whose head has not advanced for longer than its block time allows, instead of staying 200', async () => {
    await checkpointAll()
    const limit = maxHeadAgeSeconds(config.chains[2]!)
    await database.db.update(chainCheckpoints).set({ headSeenAt: secondsAgo(limit + 1) }).where(eq(chainCheckpoints.chainId, C))
    const { status, body } = await ready()
    expect(status).toBe(503)
    expect(body).toMatchObject({ ready: false, haltedChains: [] })
    expect(body.staleChains).toEqual([
      { chainId: C, name: `chain-${C}`, headBlock: '102', headSeenAt: secondsAgo(limit + 1).toISOString(), headAgeSeconds: limit + 1, maxHeadAgeSeconds: limit },
    ])
  })

  it('measures head age from the checkpoint write when the watcher has recorded no head yet', async () => {
    await checkpointAll()
    await database.db.update(chainCheckpoints).set({ headBlock: null, headSeenAt: null, updatedAt: secondsAgo(3600) }).where(eq(chainCheckpoints.chainId, A))
    const { status, body } = await ready()
    expect(status).toBe(503)
    expect(body.staleChains).toMatchObject([{ chainId: A, headBlock: null, headAgeSeconds: 3600 }])
  })

  it('allows ten block times, and at least 60 s, before a head is stale', () => {
    expect(maxHeadAgeSeconds({ blockTimeMs: 250 })).toBe(60)
    expect(maxHeadAgeSeconds({ blockTimeMs: 12_000 })).toBe(120)
  })
})
