import { asc, eq, inArray } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../client.js'
import { InvalidHexError } from '../hex.js'
import { commands, commandTransitions } from '../schema.js'
import { testDatabases } from '../testing.js'
import { IllegalTransitionError, UnsettableColumnError } from './errors.js'
import { COMMAND_STATES, isAllowedTransition } from './states.js'
import { insertTestCommands, testCommandId as id } from './testing.js'
import { deadLetterCommand, recordDeadCommandAction, retryDeadCommand, transitionCommand, transitionCommands } from './transition.js'

const pairs = COMMAND_STATES.flatMap((from) => COMMAND_STATES.map((to) => ({ from, to })))

describe.each(testDatabases())('command transitions on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const rows = (ids: string[]) => database.db.select().from(commands).where(inArray(commands.id, ids as `0x${string}`[])).orderBy(asc(commands.id))
  const hops = (x: string) => database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, x as `0x${string}`)).orderBy(asc(commandTransitions.id))

  it('makes every move the table allows, one at a time and in a batch, recording each from its state', async () => {
    const allowed = pairs.filter(({ from, to }) => isAllowedTransition(from, to))
    const single = allowed.map((_, i) => id(i + 1))
    const batched = allowed.map((_, i) => id(1000 + i))
    for (const [i, { from }] of allowed.entries()) await insertTestCommands(database.db, [single[i]!, batched[i]!], from)
    for (const [i, { from, to }] of allowed.entries()) expect(await transitionCommand(database.db, { id: single[i]!, state: from }, to, { n: i })).toBe(true)
    const moved = await transitionCommands(
      database.db,
      allowed.map(({ from, to }, i) => ({ command: { id: batched[i]!, state: from }, hops: [{ to, detail: { n: i } }] })),
    )
    expect(moved).toEqual(new Set(batched))
    for (const [i, { from, to }] of allowed.entries()) {
      for (const x of [single[i]!, batched[i]!]) {
        expect((await rows([x]))[0]!.state).toBe(to)
        expect((await hops(x)).map((h) => [h.fromState, h.toState, h.detail])).toEqual([[from, to, { n: i }]])
      }
    }
  })

  it('refuses every move the table does not, with a typed error, before writing anything', async () => {
    const refused = pairs.filter(({ from, to }) => !isAllowedTransition(from, to))
    expect(refused.length).toBeGreaterThan(0)
    const ids = refused.map((_, i) => id(i + 1))
    for (const [i, { from }] of refused.entries()) await insertTestCommands(database.db, [ids[i]!], from)
    for (const [i, { from, to }] of refused.entries()) {
      const error = await transitionCommand(database.db, { id: ids[i]!, state: from }, to, {}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(IllegalTransitionError)
      expect(error).toMatchObject({ commandId: ids[i], from, to })
      // a batch with one refused hop writes none of its moves, not even the allowed ones
      await insertTestCommands(database.db, [id(5000 + i)], 'pending')
      await expect(
        transitionCommands(database.db, [
          { command: { id: id(5000 + i), state: 'pending' }, hops: [{ to: 'published', detail: {} }] },
          { command: { id: ids[i]!, state: from }, hops: [{ to, detail: {} }] },
        ]),
      ).rejects.toBeInstanceOf(IllegalTransitionError)
      expect((await rows([id(5000 + i)]))[0]!.state).toBe('pending')
    }
    for (const [i, { from }] of refused.entries()) expect((await rows([ids[i]!]))[0]!.state).toBe(from)
    expect(await database.db.select().from(commandTransitions)).toHaveLength(0)
  })

  it('checks every hop of a multi-hop move, from the state the previous hop left', async () => {
    await insertTestCommands(database.db, [id(1)], 'published')
    await expect(
      transitionCommands(database.db, [{ command: { id: id(1), state: 'published' }, hops: [{ to: 'delivered', detail: {} }, { to: 'attested', detail: {} }] }]),
    ).rejects.toMatchObject({ name: 'IllegalTransitionError', from: 'delivered', to: 'attested' })
    expect((await rows([id(1)]))[0]!.state).toBe('published')
  })

  it('moves each command through its hops in one go, records every hop in order and sets the columns of its move', async () => {
    const [a, b, c] = [id(1), id(2), id(3)]
    await insertTestCommands(database.db, [a, b, c])
    const moved = await transitionCommands(database.db, [
      { command: { id: a, state: 'pending' }, hops: [{ to: 'published', detail: { tx: '0xaa', sequence: '7' } }], set: { publishTx: '0xAA', sequence: 2n ** 63n - 1n, attempts: 0, lastError: null } },
      {
        command: { id: b, state: 'pending' },
        hops: [
          { to: 'attested', detail: { verify_tx: '0xbb' } },
          { to: 'delivered', detail: { tx: '0xbb' } },
          { to: 'executed', detail: { tx: '0xbb', outcome: 'applied' } },
        ],
        set: { deliverTx: '0xbb', outcome: 'applied' },
      },
      { command: { id: c, state: 'pending' }, hops: [{ to: 'failed', detail: { error: 'x' } }], set: { attempts: 1, lastError: 'x', nextAttemptAt: new Date('2030-01-02T03:04:05Z') } },
    ])
    expect(moved).toEqual(new Set([a, b, c]))
    const [ra, rb, rc] = await rows([a, b, c])
    expect(ra).toMatchObject({ state: 'published', publishTx: '0xaa', sequence: 2n ** 63n - 1n, attempts: 0, lastError: null, claimedBy: null, claimedUntil: null })
    expect(rb).toMatchObject({ state: 'executed', deliverTx: '0xbb', outcome: 'applied', publishTx: null })
    expect(rc).toMatchObject({ state: 'failed', attempts: 1, lastError: 'x' })
    expect(rc!.nextAttemptAt.toISOString()).toBe('2030-01-02T03:04:05.000Z')
    expect((await hops(b)).map((h) => [h.fromState, h.toState, h.detail])).toEqual([
      ['pending', 'attested', { verify_tx: '0xbb' }],
      ['attested', 'delivered', { tx: '0xbb' }],
      ['delivered', 'executed', { tx: '0xbb', outcome: 'applied' }],
    ])
  })

  it('leaves a command another writer moved first untouched, records nothing for it, and still moves the rest', async () => {
    const [a, b] = [id(1), id(2)]
    await insertTestCommands(database.db, [a, b])
    await transitionCommand(database.db, { id: a, state: 'pending' }, 'executed', {})
    const moved = await transitionCommands(database.db, [
      { command: { id: a, state: 'pending' }, hops: [{ to: 'published', detail: {} }], set: { publishTx: '0xaa' } },
      { command: { id: b, state: 'pending' }, hops: [{ to: 'published', detail: {} }], set: { publishTx: '0xbb' } },
    ])
    expect(moved).toEqual(new Set([b]))
    expect(await transitionCommand(database.db, { id: a, state: 'pending' }, 'failed', {})).toBe(false)
    const [ra, rb] = await rows([a, b])
    expect(ra).toMatchObject({ state: 'executed', publishTx: null })
    expect(rb).toMatchObject({ state: 'published', publishTx: '0xbb' })
    expect((await hops(a)).map((h) => h.toState)).toEqual(['executed'])
  })

  it('refuses to set a column a transition does not own, and a hex column that is not hex, naming the column', async () => {
    await insertTestCommands(database.db, [id(1)])
    const payload = { payload: '0x01' } as unknown as Record<string, never>
    await expect(transitionCommands(database.db, [{ command: { id: id(1), state: 'pending' }, hops: [{ to: 'published', detail: {} }], set: payload }])).rejects.toBeInstanceOf(UnsettableColumnError)
    await expect(transitionCommand(database.db, { id: id(1), state: 'pending' }, 'published', {}, payload)).rejects.toThrow(/cannot set column payload/)
    await expect(transitionCommand(database.db, { id: id(1), state: 'pending' }, 'published', {}, { publishTx: 'abc' as `0x${string}` })).rejects.toThrow(InvalidHexError)
    await expect(transitionCommand(database.db, { id: id(1), state: 'pending' }, 'published', {}, { publishTx: 'abc' as `0x${string}` })).rejects.toThrow(/commands\.publish_tx/)
    expect((await rows([id(1)]))[0]!.state).toBe('pending')
  })

  it('dead-letters, records an operator action on, and retries a dead command; refuses a retry of one that is not dead', async () => {
    await insertTestCommands(database.db, [id(1), id(2)], 'failed')
    expect(await deadLetterCommand(database.db, { id: id(1), state: 'failed' }, { error: 'gave up' }, { attempts: 8, lastError: 'gave up' })).toBe(true)
    expect(await recordDeadCommandAction(database.db, id(1), { operator_burn: true })).toBe(true)
    expect(await retryDeadCommand(database.db, id(1), { operator_retry: true })).toBe(true)
    expect(await retryDeadCommand(database.db, id(2), { operator_retry: true })).toBe(false)
    expect(await recordDeadCommandAction(database.db, id(2), { operator_burn: true })).toBe(false)
    expect((await rows([id(1)]))[0]).toMatchObject({ state: 'failed', attempts: 0, lastError: 'gave up' })
    expect((await hops(id(1))).map((h) => [h.fromState, h.toState, h.detail])).toEqual([
      ['failed', 'dead', { error: 'gave up' }],
      ['dead', 'dead', { operator_burn: true }],
      ['dead', 'failed', { operator_retry: true }],
    ])
    expect(await hops(id(2))).toHaveLength(0)
  })

  it('finds a command whatever the letter case of the id it is given, and stores hex lower-case', async () => {
    await insertTestCommands(database.db, [id(0xab)])
    const upper = `0x${id(0xab).slice(2).toUpperCase()}`
    expect(await transitionCommand(database.db, { id: upper, state: 'pending' }, 'published', {}, { publishTx: `0x${'CD'.repeat(32)}` })).toBe(true)
    expect((await rows([id(0xab)]))[0]).toMatchObject({ state: 'published', publishTx: `0x${'cd'.repeat(32)}` })
    expect((await hops(id(0xab)))[0]!.commandId).toBe(id(0xab))
  })
})

