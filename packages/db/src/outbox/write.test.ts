import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../client.js'
import { InvalidHexError } from '../hex.js'
import { commands, commandTransitions } from '../schema.js'
import { testDatabases } from '../testing.js'
import { testCommandId as id } from './testing.js'
import { writeCommand } from './write.js'

describe.each(testDatabases())('writing commands on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const command = (n: number) => ({
    id: `0x${id(n).slice(2).toUpperCase()}`,
    kind: 'Lock',
    account: `0x${'22'.repeat(20)}` as const,
    destChainId: 31338,
    vault: `0x${'11'.repeat(20)}` as const,
    payload: '0xABCD',
    expiry: 100n,
    cause: `lock:${n}`,
  })

  it('writes a pending command with its null → pending transition, hex lower-case, due at the time it was decided', async () => {
    const at = new Date('2030-01-02T03:04:05Z')
    expect(await writeCommand(database.db, command(1), { at })).toEqual({ created: true })
    const [row] = await database.db.select().from(commands).where(eq(commands.id, id(1)))
    expect(row).toMatchObject({ id: id(1), payload: '0xabcd', state: 'pending', attempts: 0, cause: 'lock:1', nextAttemptAt: at })
    const hops = await database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id(1)))
    expect(hops.map((h) => [h.fromState, h.toState, h.detail, h.at])).toEqual([[null, 'pending', { cause: 'lock:1' }, at]])
  })

  it('is idempotent: writing the same id again changes nothing and records nothing, even after the command moved', async () => {
    await writeCommand(database.db, command(1))
    await database.db.update(commands).set({ state: 'executed' }).where(eq(commands.id, id(1)))
    expect(await database.db.transaction((tx) => writeCommand(tx, { ...command(1), id: id(1), cause: 'other' }))).toEqual({ created: false })
    expect(await writeCommand(database.db, command(1))).toEqual({ created: false })
    const [row] = await database.db.select().from(commands).where(eq(commands.id, id(1)))
    expect(row).toMatchObject({ state: 'executed', cause: 'lock:1' })
    expect(await database.db.select().from(commandTransitions)).toHaveLength(1)
  })

  it('refuses an id or payload that is not hex, naming the column, and writes nothing', async () => {
    await expect(writeCommand(database.db, { ...command(1), id: 'lock-1' })).rejects.toThrow(new InvalidHexError('commands.id', 'lock-1'))
    await expect(writeCommand(database.db, { ...command(1), payload: '0xzz' })).rejects.toThrow(/commands\.payload/)
    expect(await database.db.select().from(commands)).toHaveLength(0)
  })
})
