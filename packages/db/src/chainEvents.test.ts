import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHAIN_EVENTS_CHUNK_ROWS, insertChainEvents, type NewChainEvent } from './chainEvents.js'
import type { Database } from './client.js'
import { chainEvents } from './schema.js'
import { testDatabases } from './testing.js'

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const

/** `n` events of chain `chainId` over blocks of 100 logs each, with arguments of every JSON kind the watcher writes. */
const events = (chainId: number, n: number): NewChainEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    chainId,
    blockNumber: 2n ** 40n + BigInt(Math.floor(i / 100)),
    blockHash: hash(Math.floor(i / 100) + 1),
    blockTimestamp: 1_700_000_000n + BigInt(i),
    txHash: hash(1_000_000 + i),
    logIndex: i % 100,
    address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    eventName: 'Deposited',
    args: { account: '0x00000000000000000000000000000000000aCc01', amount: (10n ** 30n + BigInt(i)).toString(), flag: i % 2 === 0, index: i, note: 'quote " and \\ back' },
  }))

describe.each(testDatabases())('chain events on $kind', ({ open }) => {
  let database: Database
  beforeAll(async () => {
    database = await open()
  })
  afterAll(async () => {
    await database?.close()
  })

  it('stores more events in one call than one statement can bind, each exactly as given', async () => {
    const rows = events(1, CHAIN_EVENTS_CHUNK_ROWS + 2_500)
    expect(await database.db.transaction((tx) => insertChainEvents(tx, rows))).toBe(rows.length)
    const stored = await database.db.select().from(chainEvents).where(eq(chainEvents.chainId, 1)).orderBy(asc(chainEvents.id))
    expect(stored).toHaveLength(rows.length)
    for (const i of [0, 99, 100, CHAIN_EVENTS_CHUNK_ROWS, rows.length - 1])
      expect(stored[i]).toMatchObject({ ...rows[i], processedAt: null, transitionsSeen: null })
  })

  it('skips events already stored and counts only the new ones', async () => {
    const rows = events(2, 300)
    expect(await insertChainEvents(database.db, rows.slice(0, 200))).toBe(200)
    expect(await insertChainEvents(database.db, rows)).toBe(100)
    expect(await insertChainEvents(database.db, rows)).toBe(0)
    expect(await database.db.select().from(chainEvents).where(eq(chainEvents.chainId, 2))).toHaveLength(300)
  })

  it('writes nothing of a call whose transaction rolls back', async () => {
    const rows = events(3, 50)
    await expect(
      database.db.transaction(async (tx) => {
        await insertChainEvents(tx, rows)
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await database.db.select().from(chainEvents).where(eq(chainEvents.chainId, 3))).toHaveLength(0)
    expect(await insertChainEvents(database.db, [])).toBe(0)
  })
})
