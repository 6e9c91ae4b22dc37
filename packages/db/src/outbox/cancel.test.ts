import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../client.js'
import { type CommandState, commands, commandTransitions } from '../schema.js'
import { testDatabases } from '../testing.js'
import { cancelCommands } from './cancel.js'
import { testCommandId as id } from './testing.js'
import { writeCommand } from './write.js'

describe.each(testDatabases())('cancelling commands on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database?.close()
  })

  const write = async (n: number, kind: string, cause: string, state: CommandState) => {
    await writeCommand(database.db, { id: id(n), kind, account: `0x${'22'.repeat(20)}`, destChainId: 31338, vault: `0x${'11'.repeat(20)}`, payload: '0xabcd', expiry: 100n, cause })
    if (state !== 'pending') await database.db.update(commands).set({ state }).where(eq(commands.id, id(n)))
  }
  const stateOf = async (n: number) => (await database.db.select().from(commands).where(eq(commands.id, id(n))))[0]?.state

  it('cancels the commands of one cause and kind not yet executed, recording the reason as the aggregator', async () => {
    await write(1, 'ApproveWithdrawal', 'withdrawal:31338:7', 'failed')
    await write(2, 'ApproveWithdrawal', 'withdrawal:31338:7', 'dead')
    await write(3, 'ApproveWithdrawal', 'withdrawal:31338:7', 'executed')
    await write(4, 'RejectWithdrawal', 'withdrawal:31338:7', 'pending')
    await write(5, 'ApproveWithdrawal', 'withdrawal:31338:8', 'published')
    const at = new Date('2030-01-02T03:04:05Z')
    const cancelled = await cancelCommands(database.db, { cause: 'withdrawal:31338:7', kind: 'ApproveWithdrawal' }, { reason: 'request_closed' }, at)
    expect(cancelled.sort()).toEqual([id(1), id(2)].sort())
    expect([await stateOf(1), await stateOf(2), await stateOf(3), await stateOf(4), await stateOf(5)]).toEqual(['cancelled', 'cancelled', 'executed', 'pending', 'published'])
    const moves = await database.db.select().from(commandTransitions).where(eq(commandTransitions.toState, 'cancelled')).orderBy(asc(commandTransitions.id))
    expect(moves.map((t) => [t.commandId, t.fromState, t.detail, t.at])).toEqual(
      [
        [id(1), 'failed', { reason: 'request_closed', source: 'aggregator' }, at],
        [id(2), 'dead', { reason: 'request_closed', source: 'aggregator' }, at],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    )
    expect(await cancelCommands(database.db, { cause: 'withdrawal:31338:7', kind: 'ApproveWithdrawal' }, { reason: 'again' }, at)).toEqual([])
  })
})
