import { type Database, testDatabases } from '@unimargin/db'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../aggregator/index.js'
import { positionReportDomain, signPositionReport } from '@unimargin/protocol'
import type { AccountView } from '../view/index.js'
import { A, addr, B, C, createEmitter, E6, E18, reporter, seedPrices, silentLogger, testConfig, tokens, usd } from '../test-utils.js'
import { createApi, serveApi } from './createApi.js'

const alice = addr(0xa11ce)
const clock = () => new Date(Number(1_700_000_100n) * 1000)

describe.each(testDatabases())('api on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  const setup = () => {
    const config = testConfig({ withdrawalBufferUsd8: usd(10) })
    const app = createApi({ db: database.db, config, now: clock })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: clock })
    const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
    return { config, app, aggregator, emitter: createEmitter(database.db), domain }
  }
  const postReport = async (app: ReturnType<typeof createApi>, body: unknown) =>
    app.request('/v1/positions', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  const signed = async (domain: ReturnType<typeof positionReportDomain>, report: { account: `0x${string}`; market: string; size: bigint; entryPrice: bigint; sequence: bigint }, signer = reporter) => ({
    report: { ...report, size: report.size.toString(), entryPrice: report.entryPrice.toString(), sequence: report.sequence.toString() },
    signature: await signPositionReport(signer, report, domain),
  })

  it('returns the account view with margin, collateral, positions, withdrawable amounts and valuation blocks', async () => {
    const { app, aggregator, emitter, domain } = setup()
    await seedPrices(emitter)
    await emitter.deposit(A, alice, tokens.wethA, E18)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await aggregator.processPending()
    const accepted = await postReport(app, await signed(domain, { account: alice, market: 'ETH-PERP', size: E18, entryPrice: usd(1900), sequence: 1n }))
    expect(accepted.status).toBe(200)

    const res = await app.request(`/v1/accounts/${alice.toLowerCase()}`)
    expect(res.status).toBe(200)
    const view = (await res.json()) as AccountView
    // 1800 (ETH after 10% haircut) + 1000 USDC + 100 unrealised
    expect(view).toMatchObject({
      address: alice,
      equityUsd8: String(usd(2900)),
      imUsd8: String(usd(200)),
      mmUsd8: String(usd(100)),
      freeCollateralUsd8: String(usd(2700)),
      health: '29.0000',
      settledPnlUsd8: '0',
      lock: { state: 'unlocked', epoch: 0, chains: [] },
    })
    expect(view.collateral).toContainEqual(
      expect.objectContaining({ chainId: A, symbol: 'ETH', amount: String(E18), priceUsd8: String(usd(2000)), haircutBps: 1000, valueUsd8: String(usd(2000)), weightedUsd8: String(usd(1800)), priceAgeSeconds: '0' }),
    )
    expect(view.collateralByChain).toEqual([
      { chainId: A, valueUsd8: String(usd(2000)), weightedUsd8: String(usd(1800)) },
      { chainId: B, valueUsd8: String(usd(1000)), weightedUsd8: String(usd(1000)) },
    ])
    expect(view.positions).toEqual([
      expect.objectContaining({ market: 'ETH-PERP', size: String(E18), entryPrice: String(usd(1900)), markPrice: String(usd(2000)), notionalUsd8: String(usd(2000)), unrealizedPnlUsd8: String(usd(100)) }),
    ])
    // excess over IM + buffer: 2900 − 200 − 10 = 2690 ≥ 1000 USDC, and ≥ 1800 of ETH weight
    expect(view.withdrawable).toContainEqual(expect.objectContaining({ chainId: B, amount: String(1000n * E6), blockedBy: null }))
    expect(view.withdrawable).toContainEqual(expect.objectContaining({ chainId: A, amount: String(E18) }))
    expect(view.valuationBlocks.map((b) => b.chainId).sort()).toEqual([1001, 1002, 1003])
    expect(view.positionSequence).toBe('1')
  })

  it('answers 400 naming the field for a bad address or a malformed report, and a JSON 404 for unknown routes', async () => {
    const { app, domain } = setup()
    const bad = await app.request('/v1/accounts/0x1234')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', issues: [{ path: 'address' }] } })

    const body = await signed(domain, { account: alice, market: 'ETH-PERP', size: E18, entryPrice: usd(1), sequence: 1n })
    const malformed = await postReport(app, { ...body, report: { ...body.report, size: '1.5' } })
    expect(malformed.status).toBe(400)
    const json = (await malformed.json()) as { error: { message: string; issues: { path: string }[] } }
    expect(json.error.issues.map((i) => i.path)).toEqual(['report.size'])
    expect(json.error.message).toContain('report.size')

    const notJson = await app.request('/v1/positions', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ error: { code: 'invalid_request' } })

    const missing = await app.request('/v1/nothing')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
  })

  it('accepts a signed position report, refuses a foreign signer with 401, a replay with 409 and an unknown market with 400', async () => {
    const { app, aggregator, emitter, domain } = setup()
    await seedPrices(emitter)
    await aggregator.processPending()
    const report = { account: alice, market: 'ETH-PERP', size: -2n * E18, entryPrice: usd(2000), sequence: 5n }
    const ok = await postReport(app, await signed(domain, report))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ accepted: true, sequence: '5' })

    const forged = await postReport(app, await signed(domain, { ...report, sequence: 6n }, privateKeyToAccount(`0x${'42'.repeat(32)}`)))
    expect(forged.status).toBe(401)
    expect(await forged.json()).toMatchObject({ error: { code: 'invalid_signature' } })

    const replay = await postReport(app, await signed(domain, report))
    expect(replay.status).toBe(409)
    expect(await replay.json()).toMatchObject({ error: { code: 'stale_sequence' } })

    const unknown = await postReport(app, await signed(domain, { ...report, market: 'DOGE-PERP', sequence: 7n }))
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_market', issues: [{ path: 'report.market' }] } })

    const closed = await postReport(app, await signed(domain, { ...report, size: 0n, sequence: 8n }))
    expect(closed.status).toBe(200)
    const view = (await (await app.request(`/v1/accounts/${alice}`)).json()) as AccountView
    expect(view.positions).toEqual([])
    expect(view.positionSequence).toBe('8')
  })

  it('locks an account whose new report leaves it below maintenance margin, in the same request', async () => {
    const { app, aggregator, emitter, domain } = setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 100n * E6)
    await aggregator.processPending()
    // 10 ETH long entered at 2100 with the mark at 2000: −1000 against 100 USDC
    const res = await postReport(app, await signed(domain, { account: alice, market: 'ETH-PERP', size: 10n * E18, entryPrice: usd(2100), sequence: 1n }))
    expect(res.status).toBe(200)
    const view = (await (await app.request(`/v1/accounts/${alice}`)).json()) as AccountView
    expect(view.lock).toEqual({ state: 'locking', epoch: 1, chains: [A, B, C], lockedChains: [] })
    expect(view.withdrawable.every((w) => w.amount === '0' && w.blockedBy === 'locked')).toBe(true)
  })

  it('returns a command with its transition history, and 404 for an unknown one', async () => {
    const { app, aggregator, emitter } = setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 10n * E6)
    // no positions: the 10 USD buffer does not apply, all of the balance may leave
    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, 5n * E6)
    await aggregator.processPending()
    const view = (await (await app.request(`/v1/accounts/${alice}`)).json()) as AccountView
    const w = view.withdrawals[0]!
    expect(w).toMatchObject({ state: 'approved', pending: true, commandState: 'pending', limit: String(10n * E6) })
    const res = await app.request(`/v1/commands/${w.commandId}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ kind: 'ApproveWithdrawal', state: 'pending', attempts: 0, transitions: [{ from: null, to: 'pending' }] })
    expect((await app.request(`/v1/commands/0x${'00'.repeat(32)}`)).status).toBe(404)
  })

  it('serves the API over HTTP on the requested port', async () => {
    const { config } = setup()
    const server = await serveApi({ db: database.db, config, port: 0 })
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/health`)
      expect(await res.json()).toEqual({ status: 'ok' })
    } finally {
      await server.close()
    }
  })

  it('reports healthy always and ready only once every chain has a checkpoint', async () => {
    const { app } = setup()
    expect((await app.request('/health')).status).toBe(200)
    const ready = await app.request('/ready')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ ready: false, chainsWithoutCheckpoint: [1001, 1002, 1003] })
    const { chainCheckpoints } = await import('@unimargin/db')
    await database.db.insert(chainCheckpoints).values([1001, 1002, 1003].map((chainId) => ({ chainId, blockNumber: 1n, blockHash: '0x01' as const })))
    expect((await app.request('/ready')).status).toBe(200)
    const metrics = await app.request('/metrics')
    expect(await metrics.text()).toContain('unimargin_http_requests_total')
  })
})
