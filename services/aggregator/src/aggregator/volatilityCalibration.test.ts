import { type Database, positions, testDatabases } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApi } from '../api/index.js'
import { addr, B, createEmitter, E6, E18, publishHourlyEthPrices, silentLogger, testConfig, tokens, usd } from '../test-utils.js'
import { getAccountView } from '../view/index.js'
import { createAggregator } from './createAggregator.js'

const alice = addr(0xa11ce)
const bob = addr(0xb0b)

type Body = { mmUsd8: string; parameterSet: { version: number; latestVersion: number; reason: string; applied: boolean } | null }

describe.each(testDatabases())('the hub margining under volatility-driven parameter sets on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database.close())

  it('asks less of an ETH long after three calm days than the static grid, and says which set it applied', async () => {
    const config = testConfig({ margin: { mode: 'portfolio', calibration: 'volatility' } })
    const emitter = createEmitter(database.db)
    await publishHourlyEthPrices(emitter, 72, 0, async (h) => {
      if (h !== 1) return
      await emitter.deposit(B, alice, tokens.usdcB, 5_000n * E6)
      await database.db.insert(positions).values({ account: alice, market: 'ETH-PERP', size: 2n * E18, entryPrice: usd(2000), updatedAt: new Date(Number(emitter.ts) * 1000) })
    })
    const now = new Date(Number(emitter.ts) * 1000)
    await createAggregator({ db: database.db, config, logger: silentLogger, now: () => now }).processPending()
    const app = createApi({ db: database.db, config, now: () => now })
    const body = (await (await app.request(`/v1/accounts/${alice}`)).json()) as Body
    const static_ = await getAccountView(database.db, testConfig({ margin: { mode: 'portfolio' } }), alice, now)
    expect(body.parameterSet).toMatchObject({ applied: true, reason: 'current' })
    expect(body.parameterSet!.version).toBe(body.parameterSet!.latestVersion)
    expect(BigInt(body.mmUsd8)).toBeLessThan(BigInt(static_.mmUsd8))
    // the stressed-period weight keeps σ at half the static grid's or more: the requirement cannot fall below half
    expect(BigInt(body.mmUsd8) * 2n).toBeGreaterThanOrEqual(BigInt(static_.mmUsd8) - usd(10))
  })

  it('keeps an account that added no risk on its set through a recalibration, while one that just traded takes the new one', async () => {
    const config = testConfig({ margin: { mode: 'portfolio', calibration: 'volatility' } })
    const emitter = createEmitter(database.db)
    const open = async (account: typeof alice, entry: bigint) => {
      await emitter.deposit(B, account, tokens.usdcB, 5_000n * E6)
      await database.db.insert(positions).values({ account, market: 'ETH-PERP', size: 2n * E18, entryPrice: entry, updatedAt: new Date(Number(emitter.ts) * 1000) })
    }
    let mark = 2000
    // the same book for both; alice opens it in the calm, bob right after the sell-off's last recalibration
    mark = await publishHourlyEthPrices(emitter, 24, 3, async (h) => {
      if (h === 12) await open(alice, usd(2000))
    })
    await open(bob, BigInt(Math.round(mark * 1e8)))
    await database.db.update(positions).set({ entryPrice: BigInt(Math.round(mark * 1e8)) })
    const now = new Date(Number(emitter.ts) * 1000)
    await createAggregator({ db: database.db, config, logger: silentLogger, now: () => now }).processPending()
    const app = createApi({ db: database.db, config, now: () => now })
    const a = (await (await app.request(`/v1/accounts/${alice}`)).json()) as Body
    const b = (await (await app.request(`/v1/accounts/${bob}`)).json()) as Body
    expect(a.parameterSet).toMatchObject({ reason: 'grace', applied: true })
    expect(b.parameterSet).toMatchObject({ reason: 'current', applied: true })
    expect(a.parameterSet!.version).toBeLessThan(b.parameterSet!.version)
    // σ rose in the sell-off: the same book asks more of bob than of alice, whose set holds for the grace window
    expect(BigInt(a.mmUsd8)).toBeLessThan(BigInt(b.mmUsd8))
    // the what-if values a change under the latest set: adding nothing but 1 USDC, alice's "after" is bob's figure
    const whatIf = await app.request(`/v1/accounts/${alice}/what-if`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collateral: [{ chainId: B, asset: tokens.usdcB, amount: '1000000' }] }),
    })
    const w = (await whatIf.json()) as { before: { mmUsd8: string }; after: { mmUsd8: string } }
    expect(w.before.mmUsd8).toBe(a.mmUsd8)
    expect(w.after.mmUsd8).toBe(b.mmUsd8)
  })

  it('publishes the sets without applying them when the grid is static', async () => {
    const config = testConfig({ margin: { mode: 'portfolio' } })
    const emitter = createEmitter(database.db)
    await publishHourlyEthPrices(emitter, 6, 0, async (h) => {
      if (h === 1) await emitter.deposit(B, alice, tokens.usdcB, 5_000n * E6)
    })
    const now = new Date(Number(emitter.ts) * 1000)
    await createAggregator({ db: database.db, config, logger: silentLogger, now: () => now }).processPending()
    const body = (await (await createApi({ db: database.db, config, now: () => now }).request(`/v1/accounts/${alice}`)).json()) as Body
    expect(body.parameterSet?.applied).toBe(false)
  })
})
