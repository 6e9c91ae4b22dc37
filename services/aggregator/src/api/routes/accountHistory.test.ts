import { type Database, liquidations, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../../aggregator/index.js'
import { addr, B, createEmitter, E6, seedPrices, silentLogger, testConfig, tokens, usd } from '../../test-utils.js'
import { createApi } from '../createApi.js'

const alice = addr(0xa11ce)
const clock = () => new Date(1_700_000_100_000)
type Page<T> = { items: T[]; nextCursor: string | null }

describe.each(testDatabases())('account history and command lists on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  /** alice deposits 1000 USDC on B and asks for three withdrawals of 1, 2 and 3 USDC, each decided in its own pass */
  const withThreeWithdrawals = async () => {
    const config = testConfig()
    const app = createApi({ db: database.db, config, now: clock })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: clock })
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await aggregator.processPending()
    for (const id of [1, 2, 3]) {
      await emitter.requestWithdrawal(B, id, alice, tokens.usdcB, BigInt(id) * E6)
      await aggregator.processPending()
    }
    return app
  }
  const get = async <T>(app: ReturnType<typeof createApi>, path: string) => {
    const res = await app.request(path)
    return { status: res.status, body: (await res.json()) as T }
  }

  it('pages through withdrawals newest first with cursors, with amounts in whole tokens beside base units', async () => {
    const app = await withThreeWithdrawals()
    const first = await get<Page<{ requestId: string; amount: string; amountFormatted: string; commandState: string | null }>>(app, `/v1/accounts/${alice}/withdrawals?limit=2`)
    expect(first.status).toBe(200)
    expect(first.body.items.map((w) => w.requestId)).toEqual(['3', '2'])
    expect(first.body.items[0]).toMatchObject({ amount: String(3n * E6), amountFormatted: '3', commandState: 'pending' })
    expect(first.body.nextCursor).toEqual(expect.any(String))
    const second = await get<Page<{ requestId: string }>>(app, `/v1/accounts/${alice}/withdrawals?limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body).toEqual({ items: [expect.objectContaining({ requestId: '1' })], nextCursor: null })
    const approved = await get<Page<{ requestId: string }>>(app, `/v1/accounts/${alice}/withdrawals?state=rejected`)
    expect(approved.body).toEqual({ items: [], nextCursor: null })
  })

  it('refuses a cursor it did not issue, a limit out of range and a bad address with a 400 naming the field', async () => {
    const app = createApi({ db: database.db, config: testConfig(), now: clock })
    const cursor = await get<{ error: { issues: { path: string }[] } }>(app, `/v1/accounts/${alice}/withdrawals?cursor=bm90LWEtY3Vyc29y`)
    expect(cursor.status).toBe(400)
    expect(cursor.body.error.issues).toEqual([{ path: 'cursor', message: expect.stringContaining('nextCursor') }])
    const limit = await get<{ error: { code: string; issues: { path: string }[] } }>(app, `/v1/accounts/${alice}/liquidations?limit=201`)
    expect(limit.status).toBe(400)
    expect(limit.body.error).toMatchObject({ code: 'invalid_request', issues: [{ path: 'limit' }] })
    const address = await get<{ error: { message: string } }>(app, '/v1/accounts/0x12/withdrawals')
    expect(address.status).toBe(400)
    expect(address.body.error.message).toBe('Invalid param: address: must be a 20-byte 0x address')
  })

  it('pages through liquidations newest first by id', async () => {
    const app = createApi({ db: database.db, config: testConfig(), now: clock })
    const row = { account: alice, lockEpoch: 1, state: 'settled' as const, debt: usd(10), penalty: usd(1), seizures: [], seizedValue: usd(11), closedPositions: [] }
    await database.db.insert(liquidations).values([row, { ...row, lockEpoch: 2 }, { ...row, lockEpoch: 3 }, { ...row, account: addr(0xb0b) }])
    const first = await get<Page<{ lockEpoch: number; debtUsd8: string }>>(app, `/v1/accounts/${alice}/liquidations?limit=2`)
    expect(first.body.items.map((l) => l.lockEpoch)).toEqual([3, 2])
    expect(first.body.items[0]?.debtUsd8).toBe(String(usd(10)))
    const second = await get<Page<{ lockEpoch: number }>>(app, `/v1/accounts/${alice}/liquidations?limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.items.map((l) => l.lockEpoch)).toEqual([1])
    expect(second.body.nextCursor).toBeNull()
  })

  it('lists commands by state in pages, each command once, and refuses an unknown state naming it', async () => {
    const app = await withThreeWithdrawals()
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { body: Page<{ id: string; state: string; kind: string }> } = await get(app, `/v1/commands?state=pending&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      for (const c of page.body.items) {
        expect(c.state).toBe('pending')
        seen.push(c.id)
      }
      cursor = page.body.nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(3)
    expect(seen).toHaveLength(3)
    expect((await get<Page<unknown>>(app, '/v1/commands?state=executed')).body.items).toEqual([])
    expect((await get<Page<unknown>>(app, `/v1/commands?account=${alice}&limit=10`)).body.items).toHaveLength(3)
    const bad = await get<{ error: { issues: { path: string }[] } }>(app, '/v1/commands?state=lost')
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues.map((i) => i.path)).toEqual(['state'])
  })
})
