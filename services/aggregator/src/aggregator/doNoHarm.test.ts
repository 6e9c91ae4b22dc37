import { accounts, commands, type Database, eq, liquidations, positions, testDatabases, withdrawals } from '@unimargin/db'
import { decodeCommand } from '@unimargin/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getAccountView } from '../view/index.js'
import { A, addr, B, C, createEmitter, E6, E18, feeds, seedPrices, silentLogger, testConfig, tokens, usd } from '../test-utils.js'
import { createAggregator } from './createAggregator.js'

const alice = addr(0xa11ce)
const lp = addr(0x11b)

// Regression tests for decisions that hurt an account that did nothing wrong.
describe.each(testDatabases())('aggregator doing no harm on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  const setup = () => {
    const config = testConfig({ insuranceFundUsd8: usd(100_000) })
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => new Date('2024-01-01T00:00:00Z') })
    return { config, aggregator, emitter: createEmitter(database.db), db: database.db }
  }
  const openPosition = (account: string, size: bigint, entryPrice: bigint) =>
    database.db.insert(positions).values({ account, market: 'ETH-PERP', size, entryPrice })
  const accountRow = async (address: string) => (await database.db.select().from(accounts).where(eq(accounts.address, address)))[0]

  it('does not liquidate an account whose refused over-withdrawal is still escrowed when the same price is re-posted', async () => {
    const { aggregator, emitter, db, config } = setup()
    await seedPrices(emitter)
    await emitter.deposit(C, lp, tokens.usdcC, 100_000n * E6)
    await emitter.deposit(B, alice, tokens.usdcB, 10_000n * E6)
    await aggregator.processPending()
    await openPosition(alice, 2n * E18, usd(2000))
    const before = await getAccountView(db, config, alice, new Date(Number(emitter.ts) * 1000))

    await emitter.requestWithdrawal(C, 1, alice, tokens.usdcC, 50_000n * E6)
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals)
    expect(w?.state).toBe('rejected')
    // the oracle re-posts the same ETH price while the Reject is still on its way
    await emitter.price(A, feeds.ethA, usd(2000), 2n)
    await emitter.price(C, feeds.ethC, usd(2000), 2n)
    await aggregator.processPending()

    expect(await accountRow(alice)).toMatchObject({ lockState: 'unlocked', lockEpoch: 0 })
    expect(await db.select().from(commands).where(eq(commands.kind, 'Lock'))).toHaveLength(0)
    expect(await db.select().from(liquidations)).toHaveLength(0)
    const after = await getAccountView(db, config, alice, new Date(Number(emitter.ts) * 1000))
    expect(after.equityUsd8).toBe(before.equityUsd8)
    expect(after.health).toBe(before.health)
  })

  it('counts an approved withdrawal against equity until it is paid or refused', async () => {
    const { aggregator, emitter, db, config } = setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 10_000n * E6)
    await aggregator.processPending()
    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, 4_000n * E6)
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals)
    expect(w?.state).toBe('approved')
    const view = await getAccountView(db, config, alice, new Date(Number(emitter.ts) * 1000))
    expect(view.equityUsd8).toBe(usd(6_000).toString())
  })

  it('never locks an account whose collateral the hub has not seen, so its lock epoch stays at the vaults\'', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    // the venue reports a position before the deposit backing it has its confirmations
    await openPosition(alice, 5n * E18, usd(2000))
    await emitter.price(A, feeds.ethA, usd(1990), 2n)
    await aggregator.processPending()
    expect(await accountRow(alice)).toMatchObject({ lockState: 'unlocked', lockEpoch: 0 })
    expect(await db.select().from(commands)).toHaveLength(0)
    expect(await db.select().from(liquidations)).toHaveLength(0)
    expect(await db.select().from(positions)).toHaveLength(1)

    // the deposit confirms: the account is healthy and a withdrawal is approved at the vaults' epoch 0
    await emitter.deposit(B, alice, tokens.usdcB, 10_000n * E6)
    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, 1_000n * E6)
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals)
    expect(w?.state).toBe('approved')
    const [approval] = await db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(decodeCommand(approval!.payload as `0x${string}`)).toMatchObject({ kind: 'ApproveWithdrawal', lockEpoch: 0 })
  })

  it('locks every vault at the new epoch, so a later approval on a chain that held nothing at lock time is payable there', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1_000n * E6)
    await aggregator.processPending()
    await openPosition(alice, 5n * E18, usd(2000))
    await emitter.price(A, feeds.ethA, usd(1850), 2n) // −750 against 1 000: below MM 462.5
    await aggregator.processPending()
    const locks = await db.select().from(commands).where(eq(commands.kind, 'Lock'))
    expect(locks.map((c) => c.destChainId).sort()).toEqual([A, B, C])
    expect(locks.map((c) => decodeCommand(c.payload as `0x${string}`))).toMatchObject([{ lockEpoch: 1 }, { lockEpoch: 1 }, { lockEpoch: 1 }])
  })
})
