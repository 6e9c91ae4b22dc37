import { accounts, and, collateralBalances, type Database, eq, liquidations, positions, testDatabases, withdrawals } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApi } from '../api/index.js'
import { A, addr, B, C, createEmitter, E6, E18, feeds, seedPrices, silentLogger, testConfig, tokens, usd, vaults } from '../test-utils.js'
import { getAccountView } from '../view/index.js'
import { createAggregator } from './createAggregator.js'

const alice = addr(0xa11ce)
const lp = addr(0x11b)
const NOW = new Date(Number(1_700_000_000n * 1000n))

describe.each(testDatabases())('aggregator with the portfolio engine on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database.close())

  const setup = (margin: NonNullable<Parameters<typeof testConfig>[0]>['margin']) => {
    const config = testConfig({ margin, insuranceFundUsd8: usd(1000) })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => NOW })
    return { config, aggregator, emitter: createEmitter(database.db) }
  }
  const openPosition = (size: bigint, entryPrice: bigint) => database.db.insert(positions).values({ account: alice, market: 'ETH-PERP', size, entryPrice })

  it('shows the worst scenario, the scenario vector, Greeks, σ and a liquidation price in the account view', async () => {
    const { config, aggregator, emitter } = setup({ mode: 'portfolio' })
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 5_000n * E6)
    await aggregator.processPending()
    await openPosition(5n * E18, usd(2000))
    const view = await getAccountView(database.db, config, alice, NOW)
    expect(view.marginMode).toBe('portfolio')
    expect(view.risk?.scenarios.length).toBeGreaterThanOrEqual(33)
    expect(view.risk?.worstScenario).toMatch(/./)
    expect(BigInt(view.risk!.worstLossUsd8)).toBeGreaterThan(0n)
    expect(BigInt(view.mmUsd8)).toBeGreaterThan(0n)
    expect(BigInt(view.imUsd8)).toBeGreaterThan(BigInt(view.mmUsd8))
    expect(view.risk?.greeks.ETH?.delta).toBeCloseTo(5, 6)
    const liq = view.risk?.liquidationPrices.find((l) => l.underlying === 'ETH')
    expect(BigInt(liq!.belowUsd8!)).toBeLessThan(usd(2000))
    expect(liq?.aboveUsd8).toBeNull()
    expect(BigInt(view.risk!.pnlSigmaUsd8)).toBeGreaterThan(0n)
    console.log(`portfolio mode, 5 ETH long on 5,000 USDC: IM ${Number(view.imUsd8) / 1e8} MM ${Number(view.mmUsd8) / 1e8} worst ${view.risk?.worstScenario} liq below ${Number(liq!.belowUsd8) / 1e8}`)
  })

  it('margins an account with CME SPAN when the protocol selects that mode, initial margin 1.1 × maintenance', async () => {
    const { config, aggregator, emitter } = setup({ mode: 'span' })
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 5_000n * E6)
    await aggregator.processPending()
    await openPosition(5n * E18, usd(2000))
    const view = await getAccountView(database.db, config, alice, NOW)
    expect(view.marginMode).toBe('span')
    // 5 ETH × 2000 × the ETH price scan range (12%, from the grid)
    expect(Number(view.mmUsd8) / 1e8).toBeCloseTo(1200, 4)
    expect(Number(view.imUsd8) / 1e8).toBeCloseTo(1320, 4)
    expect(BigInt(view.mmUsd8)).toBeGreaterThanOrEqual(usd(1200))
  })

  it('answers a what-if: a short hedge lowers the requirement, an unknown market is a 400 naming it', async () => {
    const { config, aggregator, emitter } = setup({ mode: 'portfolio' })
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 5_000n * E6)
    await aggregator.processPending()
    await openPosition(5n * E18, usd(2000))
    const app = createApi({ db: database.db, config, now: () => NOW })
    const res = await app.request(`/v1/accounts/${alice}/what-if`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ positions: [{ market: 'ETH-PERP', size: String(-4n * E18) }] }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { before: { imUsd8: string }; after: { imUsd8: string } }
    expect(BigInt(body.after.imUsd8)).toBeLessThan(BigInt(body.before.imUsd8))
    const bad = await app.request(`/v1/accounts/${alice}/what-if`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ positions: [{ market: 'DOGE-PERP', size: '1' }] }),
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(await bad.json())).toContain('DOGE-PERP')
    const malformed = await app.request(`/v1/accounts/${alice}/what-if`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ positions: [{ market: 'ETH-PERP', size: '1.5' }] }) })
    expect(malformed.status).toBe(400)
    expect(JSON.stringify(await malformed.json())).toContain('positions.0.size')
  })

  it('approves a withdrawal on a fast route and caps the same withdrawal on a slow one, saying why', async () => {
    const config = testConfig({ margin: { mode: 'portfolio' }, latency: { seedMs: { [B]: 2_000, [C]: 6 * 3_600_000 } } })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => NOW })
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(B, lp, tokens.usdcB, 100_000n * E6)
    await emitter.deposit(C, lp, tokens.usdcC, 100_000n * E6)
    await emitter.deposit(A, alice, tokens.wethA, 10n * E18)
    await aggregator.processPending()
    await openPosition(5n * E18, usd(2000))

    const view = await getAccountView(database.db, config, alice, NOW)
    const route = (chainId: number) => view.routes.find((r) => r.chainId === chainId)!
    expect(route(B)).toMatchObject({ transport: 'wormhole', p99Ms: 2_000, source: 'seeded' })
    expect(route(C).p99Ms).toBe(6 * 3_600_000)
    expect(BigInt(route(C).bufferUsd8)).toBeGreaterThan(BigInt(route(B).bufferUsd8))
    const limit = (chainId: number) => BigInt(view.withdrawable.find((w) => w.chainId === chainId && w.symbol === 'USDC')!.amount)
    expect(limit(C)).toBeLessThan(limit(B))
    const ask = (limit(B) + limit(C)) / 2n

    await emitter.requestWithdrawal(C, 1, alice, tokens.usdcC, ask)
    await aggregator.processPending()
    const [slow] = await database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, C), eq(withdrawals.requestId, 1n)))
    expect(slow?.state).toBe('rejected')
    expect(slow?.reason).toMatch(new RegExp(`wormhole route to chain ${C}: p99 21600\\.0 s, seeded, buffer`))
    expect(slow?.limit).toBe(limit(C))
    await emitter.emit(C, vaults[C]!, 'WithdrawalRejected', { requestId: '1', account: alice, asset: tokens.usdcC, amount: ask.toString(), reason: '1' })

    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, ask)
    await aggregator.processPending()
    const [fast] = await database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, B), eq(withdrawals.requestId, 1n)))
    expect(fast?.state).toBe('approved')
    console.log(`fast route buffer ${Number(route(B).bufferUsd8) / 1e8} USD, slow route buffer ${Number(route(C).bufferUsd8) / 1e8} USD; ${Number(ask) / 1e6} USDC approved on B, refused on C`)
  })

  it('liquidates only part of the book when the protocol sets a target health, and keeps the rest open', async () => {
    const { aggregator, emitter } = setup({ mode: 'tiered', liquidationTargetHealthBps: 15_000 })
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 3_000n * E6)
    await aggregator.processPending()
    await openPosition(40n * E18, usd(2000)) // 80 000 notional on 2 940 of weighted collateral
    await emitter.price(A, feeds.ethA, usd(1940), 2n) // equity 2 940 − 2 400 = 540 < MM 1% of 77 600
    await aggregator.processPending()
    const [locking] = await database.db.select().from(accounts).where(eq(accounts.address, alice))
    expect(locking?.lockState).toBe('locking')
    for (const chainId of [A, B, C]) await emitter.emit(chainId, vaults[chainId]!, 'AccountLocked', { account: alice, epoch: '1' })
    await aggregator.processPending()
    const [liquidation] = await database.db.select().from(liquidations)
    expect(liquidation?.closeFractionBps).toBeGreaterThan(0)
    expect(liquidation?.closeFractionBps).toBeLessThan(10_000)
    const [left] = await database.db.select().from(positions).where(eq(positions.account, alice))
    expect(left?.size).toBeGreaterThan(0n)
    expect(left?.size).toBeLessThan(40n * E18)
    const [balance] = await database.db.select().from(collateralBalances).where(eq(collateralBalances.account, alice))
    expect(balance?.amount).toBe(3_000n * E6)
    console.log(`partial liquidation at 1940: closed ${liquidation?.closeFractionBps} bps, ${Number(left!.size) / 1e18} ETH left, debt ${Number(liquidation!.debt) / 1e8}`)
  })
})
