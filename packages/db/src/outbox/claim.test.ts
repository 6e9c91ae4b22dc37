import { asc, inArray } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../client.js'
import { commands } from '../schema.js'
import { testDatabases } from '../testing.js'
import { claimDueCommands, releaseClaims, rescheduleCommands } from './claim.js'
import { insertTestCommands, testCommandId as id } from './testing.js'

describe.each(testDatabases())('claiming commands on $kind', ({ kind, open }) => {
  // concurrent claimers need concurrent connections: PGlite has one, so these exist on PostgreSQL only
  const itOnPostgres = (name: string, fn: () => Promise<void>) => {
    if (kind === 'postgres') it(name, fn)
  }
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const rows = (ids: string[]) => database.db.select().from(commands).where(inArray(commands.id, ids as `0x${string}`[])).orderBy(asc(commands.id))

  it('claims only open commands, oldest first, and none a live lease holds', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => id(i + 1))
    const states = ['pending', 'published', 'attested', 'delivered', 'failed', 'executed', 'dead'] as const
    for (const [i, state] of states.entries()) await insertTestCommands(database.db, [ids[i]!], state)
    const claimed = await claimDueCommands(database.db, 'r1', 10, 60_000)
    expect(claimed.map((c) => c.state)).toEqual(['pending', 'published', 'attested', 'delivered', 'failed'])
    expect(claimed.every((c) => c.claimedBy === 'r1' && c.claimedUntil !== null)).toBe(true)
    expect(await claimDueCommands(database.db, 'r2', 10, 60_000)).toHaveLength(0)
  })

  it('makes rescheduled commands due again only after their delay and releases their claims', async () => {
    const ids = [id(1), id(2), id(3)]
    await insertTestCommands(database.db, ids)
    expect(await claimDueCommands(database.db, 'r1', 10, 60_000)).toHaveLength(3)
    expect(await claimDueCommands(database.db, 'r2', 10, 60_000)).toHaveLength(0)
    await rescheduleCommands(database.db, ids.slice(0, 2), 60_000)
    await rescheduleCommands(database.db, ids.slice(2), 0)
    const due = await claimDueCommands(database.db, 'r2', 10, 60_000)
    expect(due.map((r) => r.id)).toEqual(ids.slice(2))
    expect((await rows(ids.slice(0, 2))).map((r) => r.claimedBy)).toEqual([null, null])
  })

  it("releases a node's own claims at once, leaving other nodes' claims alone", async () => {
    await insertTestCommands(database.db, [id(1), id(2)])
    await claimDueCommands(database.db, 'node-a', 1, 60_000)
    await claimDueCommands(database.db, 'node-b', 1, 60_000)
    expect(await releaseClaims(database.db, 'node-a')).toBe(1)
    expect((await claimDueCommands(database.db, 'node-c', 10, 60_000)).map((c) => c.id)).toEqual([id(1)])
  })

  itOnPostgres('skips rows another claimer holds locked instead of waiting for it or taking them too', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => id(i + 1))
    await insertTestCommands(database.db, ids)
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let first: string[] = []
    let second: string[] = []
    const claimed = new Promise<void>((resolve) => {
      // the first claimer keeps its transaction (and the row locks) open while the second claims
      void database.db.transaction(async (tx) => {
        first = (await claimDueCommands(tx, 'r1', 3, 60_000)).map((c) => c.id)
        resolve()
        await held
      })
    })
    await claimed
    second = (await claimDueCommands(database.db, 'r2', 10, 60_000)).map((c) => c.id)
    release()
    expect(first).toEqual(ids.slice(0, 3))
    expect(second).toEqual(ids.slice(3))
  })

  itOnPostgres('gives claimers running at once disjoint rows that together cover every due command', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => id(i + 1))
    await insertTestCommands(database.db, ids)
    const claims = await Promise.all(Array.from({ length: 8 }, (_, k) => claimDueCommands(database.db, `r${k}`, 30, 60_000)))
    const all = claims.flatMap((c) => c.map((r) => r.id))
    expect(new Set(all).size).toBe(all.length)
    const rest = await claimDueCommands(database.db, 'late', 1000, 60_000)
    expect(new Set([...all, ...rest.map((r) => r.id)])).toEqual(new Set(ids))
    expect(all.length + rest.length).toBe(ids.length)
  })
})
