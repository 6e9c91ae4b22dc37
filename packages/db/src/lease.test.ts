import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from './client.js'
import { acquireLease, assertLeaseHeld, createLeaseKeeper, LeaseLostError, listLeases, releaseLease } from './lease.js'
import { testDatabases } from './testing.js'

const until = async (what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe.each(testDatabases())('leases on $kind', ({ open }) => {
  let database: Database
  beforeAll(async () => {
    database = await open()
  })
  afterAll(async () => {
    await database?.close()
  })

  it('gives a lease to one node until it expires, then to another, which learns whom it took it from', async () => {
    const { db } = database
    expect(await acquireLease(db, 'expiry', 'a', 400)).toMatchObject({ takenFrom: undefined })
    expect(await acquireLease(db, 'expiry', 'b', 400)).toBeUndefined()
    // the holder renews, and takes its own lease back at once under the same id (a restart)
    expect(await acquireLease(db, 'expiry', 'a', 400)).toMatchObject({ takenFrom: undefined })
    await until('the lease to expire', async () => (await listLeases(db)).find((l) => l.name === 'expiry')?.expired === true)
    expect(await acquireLease(db, 'expiry', 'b', 60_000)).toMatchObject({ takenFrom: 'a' })
    expect(await acquireLease(db, 'expiry', 'a', 60_000)).toBeUndefined()
    await expect(assertLeaseHeld(db, 'expiry', 'a')).rejects.toBeInstanceOf(LeaseLostError)
    await assertLeaseHeld(db, 'expiry', 'b')
    await releaseLease(db, 'expiry', 'a')
    expect((await listLeases(db)).find((l) => l.name === 'expiry')?.holder).toBe('b')
    await releaseLease(db, 'expiry', 'b')
    expect(await acquireLease(db, 'expiry', 'a', 60_000)).toMatchObject({ takenFrom: undefined })
  })

  it('lets a standby keeper take over within the lease and one interval of a holder that stopped renewing', async () => {
    const { db } = database
    const ttlMs = 1_000
    // a holder that dies: it took the lease and never renews it
    await acquireLease(db, 'takeover', 'dead', ttlMs)
    const diedAt = performance.now()
    const events: string[] = []
    const standby = createLeaseKeeper({ db, name: 'takeover', holder: 'standby', ttlMs, intervalMs: 100, guardMs: 200, onAcquired: (e) => void events.push(`acquired from ${e.takenFrom}`) })
    standby.start()
    try {
      expect(standby.held()).toBe(false)
      await standby.whenHeld()
      const tookMs = performance.now() - diedAt
      expect(events).toEqual(['acquired from dead'])
      // never before the dead holder's lease expired
      expect(tookMs).toBeGreaterThanOrEqual(ttlMs - 50)
      // and it keeps it by renewing
      await new Promise((r) => setTimeout(r, ttlMs * 2))
      expect(standby.held()).toBe(true)
      expect(await acquireLease(db, 'takeover', 'dead', ttlMs)).toBeUndefined()
    } finally {
      await standby.stop()
    }
    // a stopped keeper gives its lease up at once
    expect((await listLeases(db)).some((l) => l.name === 'takeover')).toBe(false)
  })

  it('stops counting the lease as held before another node can take it when renewals stop reaching the database', async () => {
    const { db } = database
    const ttlMs = 1_000
    let reachable = true
    const lost: string[] = []
    // the database seen through a partition that can be cut: every statement fails while it is
    const partitioned = new Proxy(db, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver)
        if (key !== 'execute' && key !== 'transaction') return value
        return (...args: unknown[]) => (reachable ? (value as (...a: unknown[]) => unknown).apply(target, args) : Promise.reject(new Error('connection lost')))
      },
    })
    const keeper = createLeaseKeeper({ db: partitioned, name: 'partition', holder: 'cut', ttlMs, intervalMs: 100, guardMs: 200, onLost: (e) => void lost.push(e.reason) })
    keeper.start()
    await keeper.whenHeld()
    reachable = false
    const cutAt = performance.now()
    await until('the keeper to give the lease up', () => !keeper.held())
    // it gave up before the database would let anyone else in
    expect(performance.now() - cutAt).toBeLessThan(ttlMs)
    await until('the lease to expire', async () => (await listLeases(db)).find((l) => l.name === 'partition')?.expired === true)
    expect(await acquireLease(db, 'partition', 'other', 60_000)).toMatchObject({ takenFrom: 'cut' })
    reachable = true
    await until('the cut node to hear it lost the lease', () => lost.length > 0)
    expect(lost).toEqual(['not renewed in time'])
    expect(keeper.held()).toBe(false)
    await keeper.stop()
    expect((await listLeases(db)).find((l) => l.name === 'partition')?.holder).toBe('other')
  })

})

// row locks between two connections: PostgreSQL only (PGlite is one connection)
describe.each(testDatabases().filter((d) => d.kind === 'postgres'))('a fenced write on $kind', ({ open }) => {
  let database: Database
  beforeAll(async () => {
    database = await open()
  })
  afterAll(async () => {
    await database?.close()
  })

  it('holds a takeover back until a write fenced by the lease has committed', async () => {
    const { db } = database
    await acquireLease(db, 'fence', 'writer', 300)
    let takenDuringWrite: boolean | undefined
    await db.transaction(async (tx) => {
      await assertLeaseHeld(tx, 'fence', 'writer')
      // the lease expires while the fenced transaction is still open: a taker waits for it
      await new Promise((r) => setTimeout(r, 600))
      const taking = acquireLease(db, 'fence', 'taker', 60_000)
      const raced = await Promise.race([taking.then(() => 'taken'), new Promise((r) => setTimeout(() => r('waiting'), 300))])
      takenDuringWrite = raced === 'taken'
    })
    expect(takenDuringWrite).toBe(false)
    await until('the taker to get the lease after the commit', async () => (await listLeases(db)).find((l) => l.name === 'fence')?.holder === 'taker')
  })
})
