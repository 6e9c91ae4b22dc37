import { describe, expect, it } from 'vitest'
import { chainEvents } from './schema.js'
import { testDatabases } from './testing.js'

describe.each(testDatabases())('database on $kind', ({ open }) => {
  it('applies migrations and rejects a second event with the same chain, block hash and log index', async () => {
    const { db, close } = await open()
    try {
      const row = {
        chainId: 31337,
        blockNumber: 5n,
        blockHash: '0xaa' as const,
        blockTimestamp: 1n,
        txHash: '0xbb' as const,
        logIndex: 0,
        address: '0xcc',
        eventName: 'Deposited',
        args: { amount: '10' },
      }
      await db.insert(chainEvents).values(row)
      const again = await db.insert(chainEvents).values(row).onConflictDoNothing().returning()
      expect(again).toHaveLength(0)
      const rows = await db.select().from(chainEvents)
      expect(rows).toHaveLength(1)
      expect(rows[0]?.blockNumber).toBe(5n)
    } finally {
      await close()
    }
  })
})
