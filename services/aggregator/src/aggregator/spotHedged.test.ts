import { and, type Database, eq, positions, testDatabases, withdrawals } from '@unimargin/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, addr, B, C, createEmitter, E6, E18, seedPrices, silentLogger, testConfig, tokens, usd } from '../test-utils.js'
import { getAccountView } from '../view/index.js'
import { createAggregator } from './createAggregator.js'

const hedger = addr(0x4ed6e)
const naked = addr(0x4a6ed)
const lp = addr(0x11b)
const NOW = new Date(Number(1_700_000_000n * 1000n))

describe.each(testDatabases())('spot-hedged accounts in portfolio mode on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database.close())

  async function basisTrade(config: ReturnType<typeof testConfig>, chainId = A, weth = tokens.wethA) {
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => NOW })
    const emitter = createEmitter(database.db)
    await seedPrices(emitter)
    await emitter.deposit(B, lp, tokens.usdcB, 100_000n * E6)
    await emitter.deposit(chainId, hedger, weth, 10n * E18)
    await emitter.deposit(B, naked, tokens.usdcB, 20_000n * E6)
    await aggregator.processPending()
    for (const account of [hedger, naked]) await database.db.insert(positions).values({ account, market: 'ETH-PERP', size: -10n * E18, entryPrice: usd(2000) })
    return { aggregator, emitter }
  }

  it('charges a short ETH perp against deposited WETH less initial margin than against USDC and than isolated margin', async () => {
    const config = testConfig({ margin: { mode: 'portfolio' } })
    await basisTrade(config)
    const hedged = await getAccountView(database.db, config, hedger, NOW)
    const onUsdc = await getAccountView(database.db, config, naked, NOW)
    const isolated = await getAccountView(database.db, testConfig({ margin: { mode: 'isolated' } }), hedger, NOW)
    expect(hedged.collateral[0]).toMatchObject({ symbol: 'ETH', underlying: 'ETH', riskCancelling: true, haircutBps: 200, mmHaircutBps: 200, imHaircutBps: 300 })
    // WETH is carried at its 2% MM haircut: 10 × 2000 × 0.98
    expect(hedged.equityUsd8).toBe(String(usd(19_600)))
    expect(BigInt(hedged.risk!.collateralImUsd8)).toBe(usd(200))
    expect(BigInt(hedged.imUsd8)).toBeLessThan(BigInt(onUsdc.imUsd8))
    expect(BigInt(hedged.imUsd8)).toBeLessThan(BigInt(isolated.imUsd8))
    // the hedge leaves only the per-contract contingency and the WETH's IM haircut: the σ the latency buffers scale
    // shrinks with the scenario loss
    expect(BigInt(hedged.risk!.pnlSigmaUsd8)).toBeLessThan(BigInt(onUsdc.risk!.pnlSigmaUsd8) / 10n)
    console.log(
      `10 WETH + 10 ETH-PERP short: IM ${Number(hedged.imUsd8) / 1e8} USD (portfolio) vs ${Number(isolated.imUsd8) / 1e8} (isolated); ` +
        `on 20 000 USDC: ${Number(onUsdc.imUsd8) / 1e8}`,
    )
  })

  it.each([
    { riskCancelling: true, state: 'approved' },
    { riskCancelling: false, state: 'rejected' },
  ])('decides a withdrawal on another chain against WETH that hedges a short perp: risk-cancelling $riskCancelling → $state', async ({ riskCancelling, state }) => {
    const config = testConfig({ margin: { mode: 'portfolio' }, weth: { A: { riskCancelling } } })
    const { aggregator, emitter } = await basisTrade(config)
    await emitter.requestWithdrawal(B, 1, hedger, tokens.usdcB, 17_000n * E6)
    await aggregator.processPending()
    const [row] = await database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, B), eq(withdrawals.requestId, 1n)))
    expect(row?.state).toBe(state)
  })

  it('raises initial and maintenance margin by exactly the configured loss when the WETH vault’s chain has a route break', async () => {
    const plain = testConfig({ margin: { mode: 'portfolio' } })
    const broken = testConfig({ margin: { mode: 'portfolio' }, weth: { C: { routeBreakLossBps: 500 } } })
    await basisTrade(plain, C, tokens.wethC)
    const before = await getAccountView(database.db, plain, hedger, NOW)
    const after = await getAccountView(database.db, broken, hedger, NOW)
    // 5% of 10 WETH at 2000
    expect(BigInt(after.imUsd8) - BigInt(before.imUsd8)).toBe(usd(1000))
    expect(BigInt(after.mmUsd8) - BigInt(before.mmUsd8)).toBe(usd(1000))
    expect(after.risk?.routeBreak).toBe(`route-break/${C}:${tokens.wethC.toLowerCase()}`)
    expect(after.collateral[0]?.routeBreakLossBps).toBe(500)
    expect(after.equityUsd8).toBe(before.equityUsd8)
  })
})
