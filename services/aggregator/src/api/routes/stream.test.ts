import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openWebSocket } from '../../_test/liveClients.js'
import { createAggregator } from '../../aggregator/index.js'
import { addr, B, createEmitter, E6, seedPrices, silentLogger, testConfig, tokens, usd } from '../../test-utils.js'
import type { AccountView } from '../../view/index.js'
import { type ApiServer, createApi, serveApi } from '../createApi.js'

const alice = addr(0xa11ce)
const bob = addr(0xb0b)
const clock = () => new Date(Number(1_700_000_100n) * 1000)

type Message = { type: string; account?: string; view?: AccountView; accounts?: string[]; error?: { code: string; message: string; issues?: { path: string }[] } }

describe.each(testDatabases())('account WebSocket stream on $kind', ({ open }) => {
  let database: Database
  let server: ApiServer | undefined
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await server?.close()
    server = undefined
    await database.close()
  })

  const setup = async () => {
    const config = testConfig()
    const app = createApi({ db: database.db, config, now: clock, live: { maxSubscriptionsPerSocket: 2 } })
    server = await serveApi({ app, db: database.db, config, port: 0 })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: clock })
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await aggregator.processPending()
    return { app, url: `ws://127.0.0.1:${server.port}/v1/stream`, aggregator, emitter }
  }

  it('answers a subscription with a snapshot per account, then updates only the account a deposit altered', async () => {
    const { app, url, aggregator, emitter } = await setup()
    const ws = await openWebSocket(url)
    ws.send({ op: 'subscribe', accounts: [alice.toLowerCase(), bob] })
    const snapshots = [await ws.next<Message>(), await ws.next<Message>()]
    expect(snapshots.map((m) => [m.type, m.account]).sort()).toEqual([
      ['snapshot', alice],
      ['snapshot', bob],
    ].sort())
    const aliceSnapshot = snapshots.find((m) => m.account === alice)!
    expect(aliceSnapshot.view).toEqual(await (await app.request(`/v1/accounts/${alice}`)).json())

    await emitter.deposit(B, alice, tokens.usdcB, 700n * E6)
    await aggregator.processPending()
    const update = await ws.next<Message>()
    expect(update).toMatchObject({ type: 'update', account: alice, view: { address: alice, equityUsd8: String(usd(700)) } })

    ws.send({ op: 'unsubscribe', accounts: [alice] })
    expect(await ws.next<Message>()).toEqual({ type: 'unsubscribed', accounts: [alice] })
    await emitter.deposit(B, alice, tokens.usdcB, 1n * E6)
    await emitter.deposit(B, bob, tokens.usdcB, 5n * E6)
    await aggregator.processPending()
    // bob's update arrives; alice, unsubscribed, sends none
    expect(await ws.next<Message>()).toMatchObject({ type: 'update', account: bob, view: { equityUsd8: String(usd(5)) } })
    expect(ws.unread).toBe(0)
    ws.close()
  })

  it('answers bad messages with an error naming the problem and keeps the socket open', async () => {
    const { url } = await setup()
    const ws = await openWebSocket(url)
    ws.send('not json')
    expect(await ws.next<Message>()).toMatchObject({ type: 'error', error: { code: 'invalid_message' } })
    ws.send({ op: 'subscribe', accounts: ['0x1234'] })
    expect(await ws.next<Message>()).toMatchObject({ type: 'error', error: { code: 'invalid_request', issues: [{ path: 'accounts.0' }] } })
    ws.send({ op: 'watch', accounts: [alice] })
    expect(await ws.next<Message>()).toMatchObject({ type: 'error', error: { code: 'invalid_request', issues: [{ path: 'op' }] } })
    ws.send({ op: 'subscribe', accounts: [] })
    expect(await ws.next<Message>()).toMatchObject({ type: 'error', error: { code: 'invalid_request', issues: [{ path: 'accounts' }] } })
    // at most 2 accounts per socket in this server
    ws.send({ op: 'subscribe', accounts: [alice, bob, addr(0xc0ffee)] })
    expect(await ws.next<Message>()).toMatchObject({ type: 'error', error: { code: 'too_many_subscriptions' } })

    ws.send({ op: 'subscribe', accounts: [alice] })
    expect(await ws.next<Message>()).toMatchObject({ type: 'snapshot', account: alice })
    ws.close()
    expect(await ws.closed).toBe(1005)
  })

  it('closes its sockets, following accounts or not, with 1001 when the server closes', async () => {
    const { url } = await setup()
    const following = await openWebSocket(url)
    following.send({ op: 'subscribe', accounts: [alice] })
    await following.next()
    const idle = await openWebSocket(url)
    await server!.close()
    server = undefined
    expect(await following.closed).toBe(1001)
    expect(await idle.closed).toBe(1001)
  })
})
