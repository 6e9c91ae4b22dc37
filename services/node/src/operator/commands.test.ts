import { commands, commandTransitions, eq, testDatabases } from '@unimargin/db'
import { describe, expect, it } from 'vitest'
import { listCommands, NotDeadLetteredError, retryDeadCommand, UnknownCommandStateError } from './commands.js'

describe.each(testDatabases())('operator commands on $kind', ({ open }) => {
  it('lists dead-lettered commands and puts one back in the queue with a recorded transition', async () => {
    const { db, close } = await open()
    try {
      const base = { kind: 'Lock', account: '0x1', destChainId: 1, vault: '0x2', payload: '0x' as const, expiry: 1n, cause: 'test' }
      await db.insert(commands).values([
        { ...base, id: '0xdead' as const, state: 'dead', attempts: 8, lastError: 'rpc down' },
        { ...base, id: '0xd0', state: 'executed' },
      ])
      expect((await listCommands(db)).map((c) => c.id)).toEqual(['0xdead'])
      await retryDeadCommand(db, '0xdead', 'rpc is back')
      const [row] = await db.select().from(commands).where(eq(commands.id, '0xdead'))
      expect(row).toMatchObject({ state: 'failed', attempts: 0, claimedBy: null })
      const [t] = await db.select().from(commandTransitions).where(eq(commandTransitions.commandId, '0xdead'))
      expect(t).toMatchObject({ fromState: 'dead', toState: 'failed', detail: { operator_retry: true, reason: 'rpc is back' } })
      await expect(retryDeadCommand(db, '0xd0', 'no')).rejects.toBeInstanceOf(NotDeadLetteredError)
    } finally {
      await close()
    }
  })
  it('refuses a state the outbox does not have and names it, instead of listing nothing', async () => {
    const { db, close } = await open()
    try {
      const error = await listCommands(db, ['dead', 'deadd']).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UnknownCommandStateError)
      expect((error as Error).message).toContain("'deadd'")
      expect((error as Error).message).toContain('pending, published, attested, delivered, executed, failed, dead, cancelled')
    } finally {
      await close()
    }
  })
})
