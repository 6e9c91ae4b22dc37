import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from './client.js'
import { ACCOUNT_CHANNEL, listen, notifiesBeforeCommitReturns, notifyAccountChanged, notifyPricesChanged, PRICES_CHANNEL } from './notifications.js'
import { testDatabases } from './testing.js'

const alice = '0x00000000000000000000000000000000000A11cE'
const bob = '0x0000000000000000000000000000000000000B0b'

/** Resolves with the messages received once `count` have arrived. */
function collect(count: number) {
  const messages: string[] = []
  let done: (m: string[]) => void = () => {}
  const all = new Promise<string[]>((resolve) => {
    done = resolve
  })
  return {
    messages,
    all,
    onMessage: (payload: string) => {
      messages.push(payload)
      if (messages.length >= count) done(messages)
    },
  }
}

describe.each(testDatabases())('notifications on $kind', ({ kind, open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  it('delivers an account notification when its transaction commits, once however often it was queued', async () => {
    const received = collect(2)
    let listened = 0
    const stop = await listen(database.db, ACCOUNT_CHANNEL, { onMessage: received.onMessage, onListen: () => listened++ })
    expect(listened).toBe(1)
    await database.db.transaction(async (tx) => {
      await notifyAccountChanged(tx, alice)
      await notifyAccountChanged(tx, alice)
    })
    await database.db.transaction(async (tx) => notifyAccountChanged(tx, bob))
    expect(await received.all).toEqual([alice, bob])
    await stop()
  })

  it('has every notification of a commit delivered before the commit returns exactly where it says so', async () => {
    const received: string[] = []
    const stop = await listen(database.db, ACCOUNT_CHANNEL, { onMessage: (p) => received.push(p) })
    for (const account of [alice, bob]) {
      await database.db.transaction(async (tx) => notifyAccountChanged(tx, account))
      if (notifiesBeforeCommitReturns(database.db)) expect(received.at(-1)).toBe(account)
    }
    await expect.poll(() => received).toEqual([alice, bob])
    expect(notifiesBeforeCommitReturns(database.db)).toBe(kind === 'pglite')
    await stop()
  })

  it('sends nothing for a rolled back transaction or savepoint', async () => {
    const received = collect(1)
    const stop = await listen(database.db, ACCOUNT_CHANNEL, { onMessage: received.onMessage })
    await database.db
      .transaction(async (tx) => {
        await notifyAccountChanged(tx, alice)
        throw new Error('roll back')
      })
      .catch(() => {})
    await database.db.transaction(async (tx) => {
      await tx.transaction(async (sp) => {
        await notifyAccountChanged(sp, alice)
        sp.rollback()
      }).catch(() => {})
      await notifyAccountChanged(tx, bob)
    })
    // bob's notification comes after any of alice's would have: alice's were never sent
    expect(await received.all).toEqual([bob])
    await stop()
  })

  it('keeps channels apart and stops delivering after unlisten', async () => {
    const prices = collect(1)
    const accounts = collect(1)
    const stopPrices = await listen(database.db, PRICES_CHANNEL, { onMessage: prices.onMessage })
    const stopAccounts = await listen(database.db, ACCOUNT_CHANNEL, { onMessage: accounts.onMessage })
    await database.db.transaction(async (tx) => notifyPricesChanged(tx, 1001, '0x00000000000000000000000000000000000000a1'))
    expect(await prices.all).toEqual(['1001:0x00000000000000000000000000000000000000a1'])
    await stopPrices()
    await database.db.transaction(async (tx) => {
      await notifyPricesChanged(tx, 1001, '0x00000000000000000000000000000000000000a1')
      await notifyAccountChanged(tx, alice)
    })
    expect(await accounts.all).toEqual([alice])
    expect(prices.messages).toHaveLength(1)
    await stopAccounts()
  })
})
