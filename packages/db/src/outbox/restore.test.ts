import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDatabase, type Database } from '../client.js'
import { commands, commandTransitions } from '../schema.js'
import { testDatabases } from '../testing.js'
import { IllegalTransitionError } from './errors.js'
import { copyDecidedCommand, mergeReplayedOutbox, recordExecutionOutcome, removeOrphanedTransitions, replayRecordedTransition } from './restore.js'
import { insertTestCommands, testCommandId as id } from './testing.js'
import { transitionCommand } from './transition.js'
import { writeCommand } from './write.js'

describe.each(testDatabases())('restoring the outbox from a replay on $kind', ({ open }) => {
  let database: Database
  let scratch: Database
  beforeEach(async () => {
    database = await open()
    scratch = await createDatabase()
  })
  afterEach(async () => {
    await database?.close()
    await scratch?.close()
  })

  const command = (n: number) => ({
    id: id(n),
    kind: 'Lock',
    account: `0x${'22'.repeat(20)}` as const,
    destChainId: 31338,
    vault: `0x${'11'.repeat(20)}` as const,
    payload: '0xabcd',
    expiry: 100n,
    cause: `lock:${n}`,
  })
  const row = async (db: Database, n: number) => (await db.db.select().from(commands).where(eq(commands.id, id(n))))[0]
  const hops = async (db: Database, n: number) =>
    (await db.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id(n))).orderBy(asc(commandTransitions.id))).map((t) => [t.fromState, t.toState])

  it('copies a decided command as its decider wrote it: pending, no relayer columns, with its creation transition, once', async () => {
    const at = new Date('2030-01-02T03:04:05Z')
    await writeCommand(database.db, command(1), { at })
    await transitionCommand(database.db, { id: id(1), state: 'pending' }, 'published', { tx: '0x01' }, { publishTx: '0x01', attempts: 1 })
    const live = (await row(database, 1))!
    const created = await database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id(1)))
    expect(await copyDecidedCommand(scratch.db, live, created.filter((t) => t.fromState === null))).toBe(true)
    expect(await row(scratch, 1)).toMatchObject({ state: 'pending', publishTx: null, attempts: 0, payload: '0xabcd', createdAt: live.createdAt, nextAttemptAt: live.createdAt })
    expect((await scratch.db.select().from(commandTransitions))[0]?.at).toEqual(at)
    expect(await hops(scratch, 1)).toEqual([[null, 'pending']])
    expect(await copyDecidedCommand(scratch.db, live, [])).toBe(false)
    expect(await hops(scratch, 1)).toEqual([[null, 'pending']])
  })

  it('refuses to copy a command with a transition that is not its creation, writing nothing', async () => {
    await writeCommand(database.db, command(1))
    const live = (await row(database, 1))!
    await expect(copyDecidedCommand(scratch.db, live, [{ commandId: id(1), fromState: 'pending', toState: 'published', detail: {}, at: new Date() }])).rejects.toBeInstanceOf(
      IllegalTransitionError,
    )
    expect(await row(scratch, 1)).toBeUndefined()
  })

  it('replays a recorded transition whatever state the replay has the command in, taking the outcome of an execution', async () => {
    await insertTestCommands(scratch.db, [id(1)], 'pending')
    const at = new Date('2030-01-02T03:04:05Z')
    expect(await replayRecordedTransition(scratch.db, { commandId: id(1), fromState: 'delivered', toState: 'executed', detail: { outcome: 'applied' }, at })).toBe(true)
    expect(await row(scratch, 1)).toMatchObject({ state: 'executed', outcome: 'applied', updatedAt: at })
    expect(await hops(scratch, 1)).toEqual([['delivered', 'executed']])
    expect(await replayRecordedTransition(scratch.db, { commandId: id(2), fromState: 'pending', toState: 'published', detail: {}, at })).toBe(false)
    expect(await hops(scratch, 2)).toEqual([])
  })

  it('replays no transition onto a command the replay already executed, and only an execution onto one it cancelled', async () => {
    await insertTestCommands(scratch.db, [id(1)], 'executed')
    await insertTestCommands(scratch.db, [id(2)], 'cancelled')
    const at = new Date('2030-01-02T03:04:05Z')
    expect(await replayRecordedTransition(scratch.db, { commandId: id(1), fromState: 'attested', toState: 'delivered', detail: {}, at })).toBe(false)
    expect(await replayRecordedTransition(scratch.db, { commandId: id(2), fromState: 'failed', toState: 'dead', detail: {}, at })).toBe(false)
    expect(await row(scratch, 1)).toMatchObject({ state: 'executed' })
    expect(await row(scratch, 2)).toMatchObject({ state: 'cancelled' })
    expect(await replayRecordedTransition(scratch.db, { commandId: id(2), fromState: 'cancelled', toState: 'executed', detail: { outcome: 'ignored' }, at })).toBe(true)
    expect(await row(scratch, 2)).toMatchObject({ state: 'executed', outcome: 'ignored' })
    expect(await hops(scratch, 1)).toEqual([])
    expect(await hops(scratch, 2)).toEqual([['cancelled', 'executed']])
  })

  it("moves the replay's own record of an execution back to the time of an earlier recorded execution it skips", async () => {
    await insertTestCommands(scratch.db, [id(1)], 'executed')
    const recorded = new Date('2030-01-02T03:04:09Z')
    await scratch.db.insert(commandTransitions).values({ commandId: id(1), fromState: 'delivered', toState: 'executed', detail: { source: 'aggregator' }, at: recorded })
    const times = async () => (await scratch.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id(1)))).map((t) => t.at.toISOString())
    // a later one changes nothing
    expect(await replayRecordedTransition(scratch.db, { commandId: id(1), fromState: 'delivered', toState: 'executed', detail: {}, at: new Date('2030-01-02T03:04:11Z') })).toBe(false)
    expect(await times()).toEqual([recorded.toISOString()])
    const earlier = new Date('2030-01-02T03:04:06Z')
    expect(await replayRecordedTransition(scratch.db, { commandId: id(1), fromState: 'delivered', toState: 'executed', detail: {}, at: earlier })).toBe(false)
    expect(await times()).toEqual([earlier.toISOString()])
    expect(await hops(scratch, 1)).toEqual([['delivered', 'executed']])
  })

  it('refuses to replay a transition the table does not allow, writing nothing', async () => {
    await insertTestCommands(scratch.db, [id(1)], 'executed')
    await expect(replayRecordedTransition(scratch.db, { commandId: id(1), fromState: 'executed', toState: 'pending', detail: {}, at: new Date() })).rejects.toThrow(
      new IllegalTransitionError(id(1), 'executed', 'pending'),
    )
    expect(await row(scratch, 1)).toMatchObject({ state: 'executed' })
    expect(await hops(scratch, 1)).toEqual([])
  })

  it('records an execution outcome only on an executed command that has none', async () => {
    await insertTestCommands(database.db, [id(1)], 'executed')
    await insertTestCommands(database.db, [id(2)], 'delivered')
    expect(await recordExecutionOutcome(database.db, id(1), 'applied')).toBe(true)
    expect(await recordExecutionOutcome(database.db, id(1), 'superseded')).toBe(false)
    expect(await recordExecutionOutcome(database.db, id(2), 'applied')).toBe(false)
    expect((await row(database, 1))?.outcome).toBe('applied')
    expect((await row(database, 2))?.outcome).toBeNull()
  })

  it('removes orphaned transitions by id, handing each to onRemove first', async () => {
    await insertTestCommands(database.db, [id(1)], 'pending')
    await transitionCommand(database.db, { id: id(1), state: 'pending' }, 'published', {})
    await transitionCommand(database.db, { id: id(1), state: 'published' }, 'delivered', { tx: '0xaa' })
    const [, delivered] = await database.db.select().from(commandTransitions).orderBy(asc(commandTransitions.id))
    const handed: unknown[] = []
    const removed = await removeOrphanedTransitions(database.db, [delivered!.id], async (table, rows) => void handed.push(...rows.map((r) => [table, r])))
    expect(removed.map((t) => t.toState)).toEqual(['delivered'])
    expect(handed).toEqual([['command_transitions', delivered]])
    expect(await hops(database, 1)).toEqual([['pending', 'published']])
  })

  it('merges a replay: keeps sent and co-signed commands, removes an unsent one no longer decided, adds new decisions, undoes an orphaned execution', async () => {
    const db = database.db
    // live: 1 sent, 2 co-signed, 3 never sent, 4 executed in an orphaned block; the replay decides 4 and 5
    for (const n of [1, 2, 3, 4]) await writeCommand(db, command(n))
    await transitionCommand(db, { id: id(1), state: 'pending' }, 'published', { tx: '0x01' }, { publishTx: '0x01' })
    await transitionCommand(db, { id: id(4), state: 'pending' }, 'delivered', { tx: '0x04' }, { publishTx: '0x04', deliverTx: '0x44' })
    await transitionCommand(db, { id: id(4), state: 'delivered' }, 'executed', { source: 'vault_event', block: '9' }, { outcome: 'applied' })
    for (const n of [4, 5]) await writeCommand(scratch.db, command(n))
    await replayRecordedTransition(scratch.db, { commandId: id(4), fromState: 'pending', toState: 'delivered', detail: { tx: '0x04' }, at: new Date() })

    const handed: [string, object][] = []
    const result = await db.transaction((tx) =>
      mergeReplayedOutbox(tx, {
        rebuilt: scratch.db,
        signed: new Set([id(2)]),
        undelivered: new Set([id(4)]),
        onRemove: async (table, rows) => void handed.push(...rows.map((r) => [table, r] as [string, object])),
      }),
    )
    expect(result).toEqual({ removedCommands: [id(3)], addedCommands: [id(5)], keptCommands: [id(1), id(2)], changedCommands: [id(4)], removedExecutions: 1 })
    expect(await row(database, 1)).toMatchObject({ state: 'published', publishTx: '0x01' })
    expect(await row(database, 2)).toMatchObject({ state: 'pending' })
    expect(await row(database, 3)).toBeUndefined()
    expect(await hops(database, 3)).toEqual([])
    expect(await row(database, 4)).toMatchObject({ state: 'delivered', outcome: null, deliverTx: null, publishTx: '0x04' })
    expect(await hops(database, 4)).toEqual([
      [null, 'pending'],
      ['pending', 'delivered'],
    ])
    expect(await row(database, 5)).toMatchObject({ state: 'pending', cause: 'lock:5' })
    expect(await hops(database, 5)).toEqual([[null, 'pending']])
    expect(handed.map(([table, r]) => [table, (r as { id: unknown; commandId?: unknown }).commandId ?? (r as { id: unknown }).id])).toEqual([
      ['commands', id(3)],
      ['command_transitions', id(3)],
      ['command_transitions', id(4)],
    ])
  })
})
