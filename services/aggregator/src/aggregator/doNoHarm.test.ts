import { accounts, and, commands, type Database, eq, liquidations, positions, testDatabases, transitionCommand, withdrawals } from '@unimargin/db'
import { decodeCommand } from '@unimargin/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getAccountView } from '../view/index.js'
import { A, addr, B, C, createEmitter, E6, E18, feeds, seedPrices, silentLogger, testConfig, tokens, usd, vaults } from '../test-utils.js'
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

  /** alice, 2 000 USDC on B against 5 ETH long at 2 000, asks for 500 USDC on B, which the hub approves. @returns the approval's id. */
  async function approveAliceWithdrawal({ aggregator, emitter, db }: ReturnType<typeof setup>): Promise<`0x${string}`> {
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 2_000n * E6)
    await aggregator.processPending()
    await openPosition(alice, 5n * E18, usd(2000))
    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, 500n * E6)
    await aggregator.processPending()
    const [approved] = await db.select().from(withdrawals)
    expect(approved?.state).toBe('approved')
    return approved!.commandId!
  }

  it('names the approval that paid a withdrawal the vault executed before the hub saw it, although a lock had answered it with a rejection', async () => {
    const ctx = setup()
    const { aggregator, emitter, db } = ctx
    const approvalId = await approveAliceWithdrawal(ctx)
    // the price falls: the hub locks and answers the approved request with a RejectWithdrawal, while on chain B the
    // approval has already paid
    await emitter.price(A, feeds.ethA, usd(1750), 2n)
    await aggregator.processPending()
    expect((await db.select().from(withdrawals))[0]).toMatchObject({ state: 'rejected' })
    await emitter.emit(B, vaults[B]!, 'WithdrawalExecuted', { requestId: '1', account: alice, asset: tokens.usdcB, amount: (500n * E6).toString() })
    await aggregator.processPending()
    expect((await db.select().from(withdrawals))[0]).toMatchObject({ state: 'executed', commandId: approvalId, reason: null })
  })

  it("cancels an approval a lock's rejection overtook once the vault has closed the request, instead of leaving it to be dead-lettered", async () => {
    const ctx = setup()
    const { aggregator, emitter, db } = ctx
    const approvalId = await approveAliceWithdrawal(ctx)
    // the relayer is still carrying the approval (its co-signers refused it once) when the price falls and the lock
    // answers the request with a RejectWithdrawal, which reaches chain B first
    const approval = (await db.select().from(commands).where(eq(commands.id, approvalId)))[0]!
    expect(await transitionCommand(db, approval, 'failed', { error: 'request_not_seen', attempts: 1 }, { attempts: 1 })).toBe(true)
    await emitter.price(A, feeds.ethA, usd(1750), 2n)
    await aggregator.processPending()
    const [rejection] = await db.select().from(commands).where(eq(commands.kind, 'RejectWithdrawal'))
    expect(rejection).toBeDefined()
    await emitter.emit(B, vaults[B]!, 'WithdrawalRejected', { requestId: '1', account: alice, asset: tokens.usdcB, amount: (500n * E6).toString(), reason: '3' })
    await aggregator.processPending()
    const states = Object.fromEntries((await db.select().from(commands)).map((c) => [c.id, c.state]))
    expect(states[approvalId]).toBe('cancelled')
    expect((await db.select().from(withdrawals))[0]).toMatchObject({ state: 'rejected', commandId: rejection!.id })
    expect((await db.select().from(withdrawals))[0]?.escrowClosedAt).not.toBeNull()
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

  /** alice, 1 000 USDC on B against 5 ETH long at 2 000, is locked at epoch 1 when ETH drops to 1 850 */
  async function lockAlice({ aggregator, emitter }: ReturnType<typeof setup>) {
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1_000n * E6)
    await aggregator.processPending()
    await openPosition(alice, 5n * E18, usd(2000))
    await emitter.price(A, feeds.ethA, usd(1850), 2n)
    await aggregator.processPending()
    expect(await accountRow(alice)).toMatchObject({ lockState: 'locking', lockEpoch: 1 })
  }
  /** the relayer's record of the co-signers refusing alice's Lock to `chainId` (as `relayer.ts` writes it) */
  async function refuseLock(chainId: number, code = 'healthy_account') {
    const [lock] = await database.db.select().from(commands).where(and(eq(commands.kind, 'Lock'), eq(commands.destChainId, chainId)))
    const refusals = [{ coSigner: 'http://127.0.0.1:1', status: 409, code, reason: 'not below the liquidation trigger here' }]
    expect(await transitionCommand(database.db, lock!, 'failed', { error: '0 of 2 co-signatures', attempts: 1, refusals }, { attempts: 1 })).toBe(true)
  }
  const unlocks = async () => (await database.db.select().from(commands).where(eq(commands.kind, 'Unlock'))).map((c) => ({ chain: c.destChainId, ...decodeCommand(c.payload as `0x${string}`) }))

  it('unlocks every vault of a lock the co-signers refused once the hub, too, has seen the deposit that makes the account healthy', async () => {
    const ctx = setup()
    await lockAlice(ctx)
    const { aggregator, emitter } = ctx
    // chain A applied the Lock; the co-signers, who had already seen a deposit on C, refuse the Lock to C
    await emitter.emit(A, vaults[A]!, 'AccountLocked', { account: alice, epoch: '1' })
    await aggregator.processPending()
    await refuseLock(C)
    await emitter.deposit(C, alice, tokens.usdcC, 20_000n * E6)
    await aggregator.processPending()
    expect(await accountRow(alice)).toMatchObject({ lockState: 'unlocking', lockEpoch: 1, lockedChains: [A, B, C] })
    // the Locks not executed are no longer carried
    expect((await database.db.select().from(commands).where(eq(commands.kind, 'Lock'))).map((c) => c.state)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect((await unlocks()).map((u) => [u.chain, u.kind, 'lockEpoch' in u ? u.lockEpoch : undefined]).sort()).toEqual([
      [A, 'Unlock', 1],
      [B, 'Unlock', 1],
      [C, 'Unlock', 1],
    ])
    // the vault that applied the Lock unlocks; the two that never did adopt epoch 1 unlocked (MarginVault._unlock)
    for (const chain of [A, B]) await emitter.emit(chain, vaults[chain]!, 'AccountUnlocked', { account: alice, epoch: '1' })
    await aggregator.processPending()
    expect((await accountRow(alice))?.lockState).toBe('unlocking')
    // the refused Lock executing late on C is ignored: its vault is unlocked at epoch 1 once the Unlock lands
    await emitter.emit(C, vaults[C]!, 'AccountLocked', { account: alice, epoch: '1' })
    await emitter.emit(C, vaults[C]!, 'AccountUnlocked', { account: alice, epoch: '1' })
    await aggregator.processPending()
    expect(await accountRow(alice)).toMatchObject({ lockState: 'unlocked', lockEpoch: 1, lockChains: [], lockedChains: [] })
    expect(await database.db.select().from(liquidations)).toEqual([])
  })

  it('keeps the lock of an account the co-signers refused while the hub still finds it below the trigger', async () => {
    const ctx = setup()
    await lockAlice(ctx)
    await refuseLock(C)
    await ctx.emitter.price(A, feeds.ethA, usd(1840), 3n)
    await ctx.aggregator.processPending()
    expect(await accountRow(alice)).toMatchObject({ lockState: 'locking', lockEpoch: 1 })
    expect(await unlocks()).toEqual([])
  })

  it('keeps a lock whose Lock failed for a reason other than a healthy-account refusal', async () => {
    const ctx = setup()
    await lockAlice(ctx)
    await refuseLock(C, 'unreachable')
    await ctx.emitter.deposit(C, alice, tokens.usdcC, 20_000n * E6)
    await ctx.aggregator.processPending()
    expect(await accountRow(alice)).toMatchObject({ lockState: 'locking', lockEpoch: 1 })
    expect(await unlocks()).toEqual([])
  })
})
