import { asc, commands, commandTransitions, type Database, eq, inArray, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { claimDueCommands, rescheduleMany, transitionMany } from './outbox.js'

describe.each(testDatabases())('outbox batches on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const id = (n: number) => `0x${n.toString(16).padStart(64, '0')}`
  async function insert(n: number) {
    const ids = Array.from({ length: n }, (_, i) => id(i + 1))
    await database.db.insert(commands).values(
      ids.map((x) => ({ id: x, kind: 'Lock', account: `0x${x.slice(26)}`, destChainId: 31338, vault: `0x${'11'.repeat(20)}`, payload: '0x00', expiry: 1n, cause: 'test' })),
    )
    return ids
  }
  const rows = (ids: string[]) => database.db.select().from(commands).where(inArray(commands.id, ids)).orderBy(asc(commands.id))
  const hops = (x: string) =>
    database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, x)).orderBy(asc(commandTransitions.id))

  it('moves each command through its hops in one go, records every hop in order and sets the columns of its move', async () => {
    const [a, b, c] = await insert(3)
    await claimDueCommands(database.db, 'r1', 10, 60_000)
    const moved = await transitionMany(database.db, [
      { command: { id: a!, state: 'pending' }, hops: [{ to: 'published', detail: { tx: '0xaa', sequence: '7' } }], set: { publishTx: '0xaa', sequence: 2n ** 63n - 1n, attempts: 0, lastError: null } },
      {
        command: { id: b!, state: 'pending' },
        hops: [
          { to: 'attested', detail: { verify_tx: '0xbb' } },
          { to: 'delivered', detail: { tx: '0xbb' } },
          { to: 'executed', detail: { tx: '0xbb', outcome: 'applied' } },
        ],
        set: { deliverTx: '0xbb', outcome: 'applied' },
      },
      { command: { id: c!, state: 'pending' }, hops: [{ to: 'failed', detail: { error: 'x' } }], set: { attempts: 1, lastError: 'x', nextAttemptAt: new Date('2030-01-02T03:04:05Z') } },
    ])
    expect(moved).toEqual(new Set([a, b, c]))
    const [ra, rb, rc] = await rows([a!, b!, c!])
    expect(ra).toMatchObject({ state: 'published', publishTx: '0xaa', sequence: 2n ** 63n - 1n, attempts: 0, lastError: null, claimedBy: null, claimedUntil: null })
    expect(rb).toMatchObject({ state: 'executed', deliverTx: '0xbb', outcome: 'applied', publishTx: null })
    expect(rc).toMatchObject({ state: 'failed', attempts: 1, lastError: 'x' })
    expect(rc!.nextAttemptAt.toISOString()).toBe('2030-01-02T03:04:05.000Z')
    expect((await hops(b!)).map((h) => [h.fromState, h.toState, h.detail])).toEqual([
      ['pending', 'attested', { verify_tx: '0xbb' }],
      ['attested', 'delivered', { tx: '0xbb' }],
      ['delivered', 'executed', { tx: '0xbb', outcome: 'applied' }],
    ])
    expect((await hops(a!)).map((h) => h.detail)).toEqual([{ tx: '0xaa', sequence: '7' }])
  })

  it('leaves a command another writer moved first untouched, records nothing for it, and still moves the rest', async () => {
    const [a, b] = await insert(2)
    await database.db.update(commands).set({ state: 'executed' }).where(eq(commands.id, a!))
    const moved = await transitionMany(database.db, [
      { command: { id: a!, state: 'pending' }, hops: [{ to: 'published', detail: {} }], set: { publishTx: '0xaa' } },
      { command: { id: b!, state: 'pending' }, hops: [{ to: 'published', detail: {} }], set: { publishTx: '0xbb' } },
    ])
    expect(moved).toEqual(new Set([b]))
    const [ra, rb] = await rows([a!, b!])
    expect(ra).toMatchObject({ state: 'executed', publishTx: null })
    expect(rb).toMatchObject({ state: 'published', publishTx: '0xbb' })
    expect(await hops(a!)).toHaveLength(0)
  })

  it('refuses to set a column the relayer does not own', async () => {
    const [a] = await insert(1)
    await expect(transitionMany(database.db, [{ command: { id: a!, state: 'pending' }, hops: [{ to: 'published', detail: {} }], set: { payload: '0x01' } }])).rejects.toThrow(
      /cannot set payload/,
    )
  })

  it('makes rescheduled commands due again only after their delay and releases their claims', async () => {
    const ids = await insert(3)
    expect(await claimDueCommands(database.db, 'r1', 10, 60_000)).toHaveLength(3)
    expect(await claimDueCommands(database.db, 'r2', 10, 60_000)).toHaveLength(0)
    await rescheduleMany(database.db, ids.slice(0, 2), 60_000)
    await rescheduleMany(database.db, ids.slice(2), 0)
    const due = await claimDueCommands(database.db, 'r2', 10, 60_000)
    expect(due.map((r) => r.id)).toEqual(ids.slice(2))
    expect((await rows(ids.slice(0, 2))).map((r) => r.claimedBy)).toEqual([null, null])
  })
})
