import { type Database, insuranceFund, liquidations, positions, testDatabases } from '@unimargin/db'
import { type PositionReport, positionReportDomain, signPositionReport } from '@unimargin/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../aggregator/index.js'
import type { AccountView } from '../view/index.js'
import { A, addr, B, createEmitter, E6, E18, reporter, seedPrices, silentLogger, testConfig, tokens, usd } from '../test-utils.js'
import { createApi } from './createApi.js'

const alice = addr(0xa11ce)
const UINT256_MAX = 2n ** 256n - 1n
const INT256_MIN = -(2n ** 255n)
const FUND = usd(100_000)

describe.each(testDatabases())('POST /v1/positions bounds on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  /** A hub with a funded insurance fund; alice holds 100 USDC once `fund()` has run. */
  const setup = () => {
    const config = testConfig({ insuranceFundUsd8: FUND })
    const emitter = createEmitter(database.db)
    // the API's clock follows the fake chain, 100 s after its newest block
    const now = () => new Date(Number(emitter.ts + 100n) * 1000)
    const app = createApi({ db: database.db, config, now })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now })
    const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
    const fund = async () => {
      await seedPrices(emitter)
      await emitter.deposit(B, alice, tokens.usdcB, 100n * E6)
      await aggregator.processPending()
    }
    const post = async (report: PositionReport, signingDomain = domain) => {
      const body = {
        report: { ...report, size: report.size.toString(), entryPrice: report.entryPrice.toString(), sequence: report.sequence.toString() },
        signature: await signPositionReport(reporter, report, signingDomain),
      }
      return app.request('/v1/positions', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    }
    const view = async () => (await (await app.request(`/v1/accounts/${alice}`)).json()) as AccountView
    return { config, app, aggregator, emitter, domain, fund, post, view }
  }

  /** Nothing the refused report could have reached moved: no position, no liquidation, the fund whole. */
  const expectUntouched = async () => {
    expect(await database.db.select().from(positions)).toEqual([])
    expect(await database.db.select().from(liquidations)).toEqual([])
    const [fundRow] = await database.db.select().from(insuranceFund)
    expect(fundRow?.balance ?? FUND).toBe(FUND)
  }

  const long = (entryPrice: bigint, sequence = 1n): PositionReport => ({ account: alice, market: 'ETH-PERP', size: E18, entryPrice, sequence })

  it('refuses a report whose entry price is 2^256−1 and leaves the insurance fund untouched', async () => {
    const { fund, post, view } = setup()
    await fund()
    const res = await post(long(UINT256_MAX))
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ error: { code: 'entry_price_out_of_band', issues: [{ path: 'report.entryPrice' }] } })
    await expectUntouched()
    const after = await view()
    expect(after.lock.state).toBe('unlocked')
    expect(after.positionSequence).toBe('0')
  })

  it('refuses an entry price of 0', async () => {
    const { fund, post } = setup()
    await fund()
    const res = await post(long(0n))
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ error: { code: 'entry_price_out_of_band', issues: [{ path: 'report.entryPrice' }] } })
    await expectUntouched()
  })

  it('refuses an entry price beyond 20% of the mark and accepts one at the edge of the band', async () => {
    const { fund, post, view } = setup()
    await fund()
    // mark 2000: the default band is 1600..2400
    for (const entryPrice of [usd(1600) - 1n, usd(2400) + 1n]) {
      const res = await post(long(entryPrice))
      expect(res.status).toBe(422)
      expect(await res.json()).toMatchObject({ error: { code: 'entry_price_out_of_band', issues: [{ path: 'report.entryPrice' }] } })
    }
    await expectUntouched()
    expect((await post({ ...long(usd(2400)), size: E18 / 100n })).status).toBe(200)
    expect((await view()).positions).toEqual([expect.objectContaining({ market: 'ETH-PERP', entryPrice: String(usd(2400)) })])
  })

  it('refuses size = min int256 as over the maximum notional', async () => {
    const { fund, post } = setup()
    await fund()
    const res = await post({ ...long(usd(2000)), size: INT256_MIN })
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ error: { code: 'notional_too_large', issues: [{ path: 'report.size' }] } })
    await expectUntouched()
  })

  it('answers 400 naming report.sequence for a sequence above 2^63−1', async () => {
    const { fund, post, app } = setup()
    await fund()
    for (const sequence of [2n ** 63n, 2n ** 64n - 1n]) {
      const res = await post(long(usd(2000), sequence))
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', issues: [{ path: 'report.sequence' }] } })
    }
    // a number too long to be any sequence is refused before it is parsed
    const body = { report: { account: alice, market: 'ETH-PERP', size: '1', entryPrice: '1', sequence: '9'.repeat(10_000) }, signature: `0x${'11'.repeat(65)}` }
    const long10k = await app.request('/v1/positions', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    expect(long10k.status).toBe(400)
    expect(await long10k.json()).toMatchObject({ error: { issues: [{ path: 'report.sequence' }] } })
    await expectUntouched()
    expect((await post(long(usd(2000), 2n ** 63n - 1n))).status).toBe(200)
  })

  it('refuses a report replayed from a deployment with another hub address', async () => {
    const { config, fund, post } = setup()
    await fund()
    const otherHub = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: addr(0x4c) })
    const res = await post(long(usd(2000)), otherHub)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature', issues: [{ path: 'signature' }] } })
    await expectUntouched()
  })

  it('answers a retryable 503 for a market whose mark price the hub does not have yet, and accepts the same report once it has', async () => {
    const { aggregator, emitter, post } = setup()
    await emitter.deposit(B, alice, tokens.usdcB, 100n * E6)
    await aggregator.processPending()
    const report = { ...long(usd(2000)), size: E18 / 100n }
    const res = await post(report)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('5')
    expect(await res.json()).toMatchObject({ error: { code: 'mark_price_unavailable', issues: [{ path: 'report.market' }] } })
    await expectUntouched()
    await seedPrices(emitter)
    await aggregator.processPending()
    expect((await post(report)).status).toBe(200)
  })

  it('answers a retryable 503 for a mark price older than maxPriceAgeSeconds, yet applies a close', async () => {
    const { config, aggregator, emitter, fund, post } = setup()
    await fund()
    const small = { ...long(usd(2000)), size: E18 / 100n }
    expect((await post(small)).status).toBe(200)
    // a block on the hub chain an hour and a second after the price
    emitter.tick(config.maxPriceAgeSeconds + 1)
    await emitter.deposit(A, alice, tokens.wethA, 1n)
    await aggregator.processPending()
    const stale = await post({ ...small, sequence: 2n })
    expect(stale.status).toBe(503)
    expect(await stale.json()).toMatchObject({ error: { code: 'mark_price_unavailable' } })
    expect((await post({ ...small, size: 0n, sequence: 2n })).status).toBe(200)
    expect(await database.db.select().from(positions)).toEqual([])
  })
})
