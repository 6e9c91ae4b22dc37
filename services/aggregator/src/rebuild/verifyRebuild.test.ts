import { and, collateralBalances, type Database, eq, liquidations, positionReports, testDatabases } from '@unimargin/db'
import type { PositionReport } from '@unimargin/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../aggregator/index.js'
import { applyPositionReport } from '../positions/index.js'
import { A, addr, B, C, createEmitter, E6, E18, feeds, receiver, seedPrices, silentLogger, testConfig, tokens, usd, vaults } from '../test-utils.js'
import { verifyRebuild } from './verifyRebuild.js'

const alice = addr(0xa11ce)
const bob = addr(0xb0b)

describe.each(testDatabases())('rebuild on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  /** A liquidation from deposit to unlock on three chains, the position opened by a venue report, on a clock that moves. */
  async function runLiquidation() {
    const config = testConfig({ insuranceFundUsd8: usd(1000) })
    let clock = Date.parse('2024-01-01T00:00:00Z')
    const now = () => {
      clock += 7
      return new Date(clock)
    }
    const db = database.db
    const aggregator = createAggregator({ db, config, logger: silentLogger, now })
    const emitter = createEmitter(db)
    const report = (r: PositionReport) => db.transaction((tx) => applyPositionReport({ tx, config, logger: silentLogger, now, referenceTs: emitter.ts }, r))
    await seedPrices(emitter)
    await emitter.deposit(A, alice, tokens.wethA, E18)
    await emitter.deposit(B, alice, tokens.usdcB, 600n * E6)
    await emitter.deposit(C, bob, tokens.usdcC, 5_000n * E6)
    await aggregator.processPending()
    await report({ account: alice, market: 'ETH-PERP', size: 5n * E18, entryPrice: usd(2000), sequence: 1n })
    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, 100n * E6)
    await emitter.requestWithdrawal(C, 1, bob, tokens.usdcC, 1_000n * E6)
    await aggregator.processPending()
    await emitter.price(A, feeds.ethA, usd(1000), 2n)
    await aggregator.processPending()
    for (const chain of [A, B, C]) await emitter.emit(chain, vaults[chain]!, 'AccountLocked', { account: alice, epoch: '1' })
    await emitter.emit(B, vaults[B]!, 'WithdrawalRejected', { requestId: '1', account: alice, asset: tokens.usdcB, amount: String(100n * E6), reason: '2' })
    await aggregator.processPending()
    await emitter.emit(B, vaults[B]!, 'Seized', { account: alice, asset: tokens.usdcB, amount: String(600n * E6), receiver, epoch: '1' })
    await emitter.emit(A, vaults[A]!, 'Seized', { account: alice, asset: tokens.wethA, amount: String(E18), receiver, epoch: '1' })
    await aggregator.processPending()
    return { config, db }
  }

  it('rebuilds a liquidation from its recorded events and venue report into the same state, row for row', async () => {
    const { config, db } = await runLiquidation()
    expect(await db.select().from(liquidations)).toMatchObject([{ state: 'settled' }])
    expect(await db.select().from(positionReports)).toMatchObject([{ account: alice, sequence: 1n, size: 5n * E18 }])

    const result = await verifyRebuild(db, config)
    expect(result.differences).toEqual([])
    expect(result.replay).toMatchObject({ reports: 1, divergences: [] })
    expect(result.equal).toBe(true)
    expect(result.tables.find((t) => t.table === 'liquidations')).toEqual({ table: 'liquidations', live: 1, rebuilt: 1 })
    expect(result.tables.find((t) => t.table === 'commands')!.live).toBeGreaterThan(5)
  })

  it('reports exactly the balance row an operator changed by hand, with the live and rebuilt amounts', async () => {
    const { config, db } = await runLiquidation()
    const key = and(eq(collateralBalances.account, bob), eq(collateralBalances.chainId, C), eq(collateralBalances.asset, tokens.usdcC))
    await db.update(collateralBalances).set({ amount: 3_999n * E6 }).where(key)

    const result = await verifyRebuild(db, config)
    expect(result.equal).toBe(false)
    expect(result.differences).toEqual([
      { table: 'collateral_balances', key: `account=${bob}, chainId=${C}, asset=${tokens.usdcC}`, column: 'amount', live: String(3_999n * E6), rebuilt: String(4_000n * E6) },
    ])
  })

  it('reports a position the venue never reported as a row only the live database has', async () => {
    const { config, db } = await runLiquidation()
    await applyPositionReport(
      { tx: db, config, logger: silentLogger, now: () => new Date(), referenceTs: 1_700_000_000n },
      { account: bob, market: 'ETH-PERP', size: E18, entryPrice: usd(1000), sequence: 1n },
    )
    await db.delete(positionReports).where(eq(positionReports.account, bob))

    const { equal, differences } = await verifyRebuild(db, config)
    expect(equal).toBe(false)
    expect(differences.map((d) => [d.table, d.key, d.column, d.rebuilt])).toEqual([
      ['accounts', `address=${bob}`, 'positionSequence', '0'],
      ['positions', `account=${bob}, market=ETH-PERP`, null, null],
    ])
  })
})
