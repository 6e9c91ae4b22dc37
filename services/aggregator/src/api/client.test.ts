import {
  createClient,
  formatHealth,
  positionReportDomain,
  signPositionReport,
  UnimarginApiError,
  type UnimarginClient,
} from '@unimargin/client'
import { type Database, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../aggregator/index.js'
import { addr, B, createEmitter, E6, E18, reporter, seedPrices, silentLogger, testConfig, tokens, usd } from '../test-utils.js'
import { type CreateApiParameters, createApi } from './createApi.js'

const alice = addr(0xa11ce)
const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

describe.each(testDatabases())('@unimargin/client against the API on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  /** The API on this database, its clock 100 s after the fake chain's newest block, and a client calling it in-process. */
  const setup = (options: { apiKey?: string; limits?: CreateApiParameters['limits'] } = {}) => {
    const config = testConfig()
    const emitter = createEmitter(database.db)
    const now = () => new Date(Number(emitter.ts + 100n) * 1000)
    const app = createApi({ db: database.db, config, now, limits: options.limits })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now })
    const client: UnimarginClient = createClient({ baseUrl: 'http://hub', fetch: app.request, apiKey: options.apiKey })
    /** alice holds 1000 USDC on chain B */
    const fund = async () => {
      await seedPrices(emitter)
      await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
      await aggregator.processPending()
    }
    return { config, emitter, aggregator, client, fund }
  }

  it('follows the cursor through every withdrawal and command with the async iterators', async () => {
    const { client, emitter, aggregator, fund } = setup()
    await fund()
    for (const id of [1, 2, 3]) {
      await emitter.requestWithdrawal(B, id, alice, tokens.usdcB, BigInt(id) * E6)
      await aggregator.processPending()
    }
    const firstPage = await client.listWithdrawals(alice, { limit: 2 })
    expect(firstPage.items.map((w) => w.requestId)).toEqual(['3', '2'])
    expect(firstPage.nextCursor).toEqual(expect.any(String))
    expect((await collect(client.iterateWithdrawals(alice, { limit: 2 }))).map((w) => w.requestId)).toEqual(['3', '2', '1'])
    expect(await collect(client.iterateWithdrawals(alice, { state: 'rejected' }))).toEqual([])
    const commands = await collect(client.iterateCommands({ account: alice, limit: 1 }))
    expect(commands).toHaveLength(3)
    expect(new Set(commands.map((c) => c.id)).size).toBe(3)
    expect((await client.getCommand(commands[0]!.id)).transitions[0]).toMatchObject({ from: null, to: 'pending' })
    expect(await collect(client.iterateLiquidations(alice))).toEqual([])
  })

  it('submits a report signed with the re-exported signer, reads the position back, and prices a what-if', async () => {
    const { client, config, fund } = setup()
    await fund()
    const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
    const report = { account: alice, market: 'ETH-PERP', size: E18 / 10n, entryPrice: usd(2000), sequence: 1n }
    expect(await client.reportPosition(report, await signPositionReport(reporter, report, domain))).toEqual({
      accepted: true,
      account: alice,
      market: 'ETH-PERP',
      sequence: '1',
    })
    const account = await client.getAccount(alice)
    expect(account.positions).toEqual([expect.objectContaining({ market: 'ETH-PERP', size: String(E18 / 10n) })])
    expect(formatHealth(account.healthBps)).toMatch(/^\d+\.\d{2}%$/)
    const whatIf = await client.whatIf(alice, { positions: [{ market: 'ETH-PERP', size: E18 }] })
    expect(BigInt(whatIf.after.imUsd8)).toBeGreaterThan(BigInt(whatIf.before.imUsd8))
  })

  it('throws an UnimarginApiError with the status, code, field and request id of a refusal', async () => {
    const { client, config, fund } = setup()
    await fund()
    const bad = await client.getAccount('0x12').catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(UnimarginApiError)
    expect(bad).toMatchObject({ status: 400, code: 'invalid_request', issues: [{ path: 'address' }], requestId: expect.any(String), retryable: false })
    const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
    const report = { account: alice, market: 'ETH-PERP', size: E18 / 10n, entryPrice: usd(2000), sequence: 1n }
    const signature = await signPositionReport(reporter, report, domain)
    await client.reportPosition(report, signature)
    const replay = await client.reportPosition(report, signature).catch((e: unknown) => e)
    expect(replay).toMatchObject({ status: 409, code: 'stale_sequence', issues: [{ path: 'report.sequence' }] })
    expect(await client.getCommand(`0x${'ab'.repeat(32)}`).catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'not_found' })
  })

  it('returns readiness without throwing while the hub is not ready', async () => {
    const { client } = setup()
    expect(await client.ready()).toMatchObject({ ready: false, chainsWithoutCheckpoint: expect.arrayContaining([B]) })
  })

  it("lists every account for operators only when the client sends a configured API key", async () => {
    const limits = { rateLimit: { apiKeys: ['operator-key'] } }
    const anonymous = setup({ limits })
    await anonymous.fund()
    expect(await anonymous.client.listAccounts().catch((e: unknown) => e)).toMatchObject({ status: 401, code: 'api_key_required' })
    const operator = setup({ limits, apiKey: 'operator-key' })
    expect((await collect(operator.client.iterateAccounts({ limit: 1, sort: 'address' }))).map((a) => a.address)).toEqual([alice])
  })

  it('reads discovery, status, routes, risk parameters, escape claims, liveness and metrics', async () => {
    const { client, config, fund } = setup()
    await fund()
    const chains = await client.getChains()
    expect(chains.hub).toEqual({ chainId: config.hub.chainId, address: config.hub.address })
    expect(chains.chains.map((c) => c.chainId)).toEqual(config.chains.map((c) => c.chainId))
    expect((await client.getAssets()).find((a) => a.chainId === B)?.price?.priceUsd8).toBe(String(usd(1)))
    expect((await client.getMarkets()).map((m) => m.symbol)).toEqual(['ETH-PERP'])
    expect((await client.getPrices()).length).toBe(4)
    expect((await client.status()).chains).toHaveLength(3)
    expect((await client.getRoutes()).routes.map((r) => r.chainId).sort()).toEqual(config.chains.map((c) => c.chainId).sort())
    expect(await client.getRiskParameters()).toHaveProperty('history')
    expect(await client.getEscapeClaims(alice)).toEqual({ account: alice, claims: [] })
    expect(await client.health()).toEqual({ status: 'ok' })
    expect(await client.metrics()).toContain('unimargin_http_requests_total')
  })
})
