import {
  accounts,
  and,
  chainEvents,
  collateralBalances,
  commands,
  commandTransitions,
  type Database,
  eq,
  insuranceFund,
  isNull,
  liquidations,
  positions,
  testDatabases,
  withdrawals,
} from '@unimargin/db'
import { decodeCommand, RejectReason } from '@unimargin/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, addr, B, C, crashingBeforeCommit, createEmitter, E6, E18, feeds, receiver, seedPrices, silentLogger, testConfig, tokens, usd, vaults } from '../test-utils.js'
import { createAggregator } from './createAggregator.js'

const alice = addr(0xa11ce)
const lp = addr(0x11b)

describe.each(testDatabases())('aggregator on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  const setup = (overrides?: Parameters<typeof testConfig>[0]) => {
    const config = testConfig(overrides)
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => new Date('2024-01-01T00:00:00Z') })
    return { config, aggregator, emitter: createEmitter(database.db), db: database.db }
  }
  const balanceOf = async (account: string, chainId: number, asset: string) => {
    const [row] = await database.db
      .select()
      .from(collateralBalances)
      .where(and(eq(collateralBalances.account, account), eq(collateralBalances.chainId, chainId), eq(collateralBalances.asset, asset)))
    return row?.amount ?? 0n
  }
  const openPosition = (account: string, size: bigint, entryPrice: bigint) =>
    database.db.insert(positions).values({ account, market: 'ETH-PERP', size, entryPrice })

  it('credits a deposit exactly once even when processPending runs twice', async () => {
    const { aggregator, emitter } = setup()
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    expect(await aggregator.processPending()).toBe(1)
    expect(await aggregator.processPending()).toBe(0)
    expect(await balanceOf(alice, B, tokens.usdcB)).toBe(1000n * E6)
    const unprocessed = await database.db.select().from(chainEvents).where(isNull(chainEvents.processedAt))
    expect(unprocessed).toHaveLength(0)
  })

  it('leaves an event unprocessed and its effects unapplied when processing fails midway, then applies it once', async () => {
    const { config, emitter, db } = setup()
    // the process dies after the event's effects are written, before its transaction commits
    const failing = createAggregator({ db: crashingBeforeCommit(db), config, logger: silentLogger, now: () => new Date('2024-01-01T00:00:00Z') })
    await emitter.deposit(B, alice, tokens.usdcB, 7n)
    await expect(failing.processPending()).rejects.toThrow('crashed')
    expect(await balanceOf(alice, B, tokens.usdcB)).toBe(0n)
    expect(await db.select().from(chainEvents).where(isNull(chainEvents.processedAt))).toHaveLength(1)
    const { aggregator } = setup()
    expect(await aggregator.processPending()).toBe(1)
    expect(await balanceOf(alice, B, tokens.usdcB)).toBe(7n)
  })

  it('approves a withdrawal on chain C that only collateral on chains A and B covers', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(A, alice, tokens.wethA, E18)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await emitter.deposit(C, alice, tokens.usdcC, 100n * E6)
    await aggregator.processPending()
    await openPosition(alice, 2n * E18, usd(2000)) // IM 400 USD: C's 100 USDC alone could not carry it
    await emitter.requestWithdrawal(C, 1, alice, tokens.usdcC, 100n * E6)
    await aggregator.processPending()

    const [w] = await db.select().from(withdrawals).where(eq(withdrawals.requestId, 1n))
    expect(w).toMatchObject({ state: 'approved', reason: null, limit: 100n * E6 })
    const [command] = await db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(command).toMatchObject({ kind: 'ApproveWithdrawal', destChainId: C, vault: vaults[C], state: 'pending', cause: `withdrawal:${C}:1` })
    expect(command!.expiry).toBe(emitter.ts + 3600n)
    expect(decodeCommand(command!.payload as `0x${string}`)).toMatchObject({ kind: 'ApproveWithdrawal', requestId: 1n, lockEpoch: 0, account: alice })
    const transitions = await db.select().from(commandTransitions).where(eq(commandTransitions.commandId, command!.id))
    expect(transitions).toMatchObject([{ fromState: null, toState: 'pending' }])
    expect(await balanceOf(alice, C, tokens.usdcC)).toBe(0n)
  })

  it('processes each event at one instant: what it writes carries the time recorded as its processed_at', async () => {
    const { config, emitter, db } = setup()
    // a clock that moves on every reading
    let ms = Date.parse('2024-01-01T00:00:00Z')
    const tick = () => {
      ms += 7
      return new Date(ms)
    }
    const aggregator = createAggregator({ db, config, logger: silentLogger, now: tick })
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, 10n * E6)
    await aggregator.processPending()
    const [request] = await db.select().from(chainEvents).where(eq(chainEvents.eventName, 'WithdrawalRequested'))
    const [w] = await db.select().from(withdrawals).where(eq(withdrawals.requestId, 1n))
    const transitions = await db.select().from(commandTransitions).where(eq(commandTransitions.commandId, w!.commandId!))
    expect(transitions).toHaveLength(1)
    expect(transitions[0]!.at.getTime()).toBe(request!.processedAt!.getTime())
  })

  it('pays a withdrawal on a chain where the account holds nothing from the vault\'s pool, and counts it as a liability there', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(C, lp, tokens.usdcC, 50_000n * E6) // the pool on chain C
    await emitter.deposit(A, alice, tokens.wethA, E18) // 1800 USD after haircut
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await aggregator.processPending()
    await emitter.requestWithdrawal(C, 1, alice, tokens.usdcC, 2000n * E6)
    await aggregator.processPending()
    const [first] = await db.select().from(withdrawals).where(and(eq(withdrawals.chainId, C), eq(withdrawals.requestId, 1n)))
    expect(first?.state).toBe('approved')
    expect(await balanceOf(alice, C, tokens.usdcC)).toBe(-2000n * E6)

    // 2800 − 2000 = 800 USD of equity left: a second 1000 USDC must be refused, with the limit
    await emitter.requestWithdrawal(C, 2, alice, tokens.usdcC, 1000n * E6)
    await aggregator.processPending()
    const [second] = await db.select().from(withdrawals).where(and(eq(withdrawals.chainId, C), eq(withdrawals.requestId, 2n)))
    expect(second?.state).toBe('rejected')
    expect(second?.limit).toBe(800n * E6)
  })

  it('refuses a payout the vault on that chain cannot cover, naming what it can pay', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(C, lp, tokens.usdcC, 300n * E6)
    await emitter.deposit(B, alice, tokens.usdcB, 10_000n * E6)
    await aggregator.processPending()
    await emitter.requestWithdrawal(C, 1, alice, tokens.usdcC, 500n * E6)
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals).where(and(eq(withdrawals.chainId, C), eq(withdrawals.requestId, 1n)))
    expect(w?.state).toBe('rejected')
    expect(w?.limit).toBe(300n * E6)
    expect(w?.reason).toContain('can pay out at most 300 USDC')
    const [command] = await db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(decodeCommand(command!.payload as `0x${string}`)).toMatchObject({ kind: 'RejectWithdrawal', reason: RejectReason.InsufficientLiquidity })
  })

  it('rejects an over-withdrawal with the reason and the most that could be withdrawn', async () => {
    const { aggregator, emitter, db } = setup({ withdrawalBufferUsd8: usd(10) })
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    await aggregator.processPending()
    await openPosition(alice, E18, usd(2000)) // IM 200 USD + buffer 10: at most 790 USDC may leave
    await emitter.requestWithdrawal(B, 7, alice, tokens.usdcB, 900n * E6)
    await aggregator.processPending()

    const [w] = await db.select().from(withdrawals).where(eq(withdrawals.requestId, 7n))
    expect(w?.state).toBe('rejected')
    expect(w?.limit).toBe(790n * E6)
    expect(w?.reason).toContain('equity 100 USD below initial margin 200 USD plus buffer 10 USD')
    expect(w?.reason).toContain('at most 790 USDC')
    const [command] = await db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(decodeCommand(command!.payload as `0x${string}`)).toMatchObject({
      kind: 'RejectWithdrawal',
      requestId: 7n,
      reason: RejectReason.InsufficientFreeCollateral,
    })
    // the escrow stays out of the free balance until the vault releases it
    expect(await balanceOf(alice, B, tokens.usdcB)).toBe(100n * E6)
    await emitter.emit(B, vaults[B]!, 'WithdrawalRejected', { requestId: '7', account: alice, asset: tokens.usdcB, amount: String(900n * E6), reason: '1' })
    await aggregator.processPending()
    expect(await balanceOf(alice, B, tokens.usdcB)).toBe(1000n * E6)
  })

  it('rejects a withdrawal when a price the account depends on is stale', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.usdcB, 1000n * E6)
    emitter.tick(4000)
    await emitter.requestWithdrawal(B, 3, alice, tokens.usdcB, E6)
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals).where(eq(withdrawals.requestId, 3n))
    expect(w?.state).toBe('rejected')
    expect(w?.reason).toContain('USDC price on chain 1002 is 4000s old')
  })

  it('rejects a withdrawal of an asset that is not collateral on that chain', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(B, alice, tokens.wethA, 5n)
    await emitter.requestWithdrawal(B, 4, alice, tokens.wethA, 5n)
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals).where(eq(withdrawals.requestId, 4n))
    const [command] = await db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(decodeCommand(command!.payload as `0x${string}`)).toMatchObject({ kind: 'RejectWithdrawal', reason: RejectReason.UnsupportedAsset })
  })

  it('locks a leveraged account on every vault when the price falls, then seizes where its collateral is, settles and unlocks', async () => {
    const { aggregator, emitter, db } = setup({ insuranceFundUsd8: usd(1000) })
    await seedPrices(emitter)
    await emitter.deposit(A, alice, tokens.wethA, E18) // 1800 USD after haircut
    await emitter.deposit(B, alice, tokens.usdcB, 600n * E6)
    await aggregator.processPending()
    await openPosition(alice, 5n * E18, usd(2000)) // notional 10 000: IM 1000, MM 500
    await emitter.requestWithdrawal(B, 1, alice, tokens.usdcB, 100n * E6)
    await aggregator.processPending()
    const [approved] = await db.select().from(withdrawals).where(eq(withdrawals.requestId, 1n))
    expect(approved?.state).toBe('approved')

    // ETH halves: P&L −5000 against 900 + 500 of collateral
    await emitter.price(A, feeds.ethA, usd(1000), 2n)
    await aggregator.processPending()
    let [account] = await db.select().from(accounts).where(eq(accounts.address, alice))
    expect(account).toMatchObject({ lockState: 'locking', lockEpoch: 1, lockChains: [A, B, C], lockedChains: [] })
    const locks = await db.select().from(commands).where(and(eq(commands.account, alice), eq(commands.kind, 'Lock')))
    expect(locks.map((c) => c.destChainId).sort()).toEqual([A, B, C])
    expect(locks.map((c) => decodeCommand(c.payload as `0x${string}`))).toMatchObject([{ lockEpoch: 1 }, { lockEpoch: 1 }, { lockEpoch: 1 }])
    const [rejected] = await db.select().from(withdrawals).where(eq(withdrawals.requestId, 1n))
    expect(rejected?.state).toBe('rejected')
    const [reject] = await db.select().from(commands).where(eq(commands.id, rejected!.commandId!))
    expect(decodeCommand(reject!.payload as `0x${string}`)).toMatchObject({ kind: 'RejectWithdrawal', requestId: 1n, reason: RejectReason.AccountLocked })

    // the vaults confirm the lock; the liquidation waits for the escrow to come back
    await emitter.emit(A, vaults[A]!, 'AccountLocked', { account: alice, epoch: '1' })
    await emitter.emit(B, vaults[B]!, 'AccountLocked', { account: alice, epoch: '1' })
    await emitter.emit(C, vaults[C]!, 'AccountLocked', { account: alice, epoch: '1' })
    await aggregator.processPending()
    expect(await db.select().from(liquidations)).toHaveLength(0)
    await emitter.emit(B, vaults[B]!, 'WithdrawalRejected', { requestId: '1', account: alice, asset: tokens.usdcB, amount: String(100n * E6), reason: '2' })
    await emitter.emit(B, vaults[B]!, 'CommandExecuted', { commandId: reject!.id, kind: '2', account: alice, outcome: '0', vmHash: `0x${'11'.repeat(32)}` })
    await aggregator.processPending()

    const [liquidation] = await db.select().from(liquidations)
    expect(liquidation).toMatchObject({ account: alice, lockEpoch: 1, state: 'seizing', debt: usd(5000), penalty: 0n })
    expect(liquidation?.seizures.map((s) => [s.chainId, s.asset, s.amount, s.valueUsd8])).toEqual([
      [B, tokens.usdcB, String(600n * E6), String(usd(600))],
      [A, tokens.wethA, String(E18), String(usd(1000))],
    ])
    expect(liquidation?.closedPositions).toMatchObject([{ market: 'ETH-PERP', size: String(5n * E18), realizedPnlUsd8: String(-usd(5000)) }])
    expect(await db.select().from(positions)).toHaveLength(0)
    const seizes = await db.select().from(commands).where(eq(commands.kind, 'Seize'))
    expect(seizes.map((c) => decodeCommand(c.payload as `0x${string}`))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'Seize', lockEpoch: 1, asset: tokens.usdcB, amount: 600n * E6, receiver }),
        expect.objectContaining({ kind: 'Seize', lockEpoch: 1, asset: tokens.wethA, amount: E18, receiver }),
      ]),
    )

    // the vaults move the collateral to the receiver
    await emitter.emit(B, vaults[B]!, 'Seized', { account: alice, asset: tokens.usdcB, amount: String(600n * E6), receiver, epoch: '1' })
    await emitter.emit(A, vaults[A]!, 'Seized', { account: alice, asset: tokens.wethA, amount: String(E18), receiver, epoch: '1' })
    await aggregator.processPending()
    expect(await balanceOf(alice, B, tokens.usdcB)).toBe(0n)
    expect(await balanceOf(alice, A, tokens.wethA)).toBe(0n)
    expect(await balanceOf(receiver, B, tokens.usdcB)).toBe(600n * E6)
    expect(await balanceOf(receiver, A, tokens.wethA)).toBe(E18)
    const [settled] = await db.select().from(liquidations)
    // debt 5000, seized 1600: shortfall 3400, the fund's 1000 first, then 2400 socialised
    expect(settled).toMatchObject({ state: 'settled', seizedValue: usd(1600), shortfall: usd(3400), insuranceCovered: usd(1000), socializedLoss: usd(2400) })
    const [fund] = await db.select().from(insuranceFund)
    expect(fund?.balance).toBe(0n)
    ;[account] = await db.select().from(accounts).where(eq(accounts.address, alice))
    expect(account).toMatchObject({ lockState: 'unlocking', settledPnl: 0n })
    const unlocks = await db.select().from(commands).where(eq(commands.kind, 'Unlock'))
    expect(unlocks.map((c) => c.destChainId).sort()).toEqual([A, B, C])

    await emitter.emit(A, vaults[A]!, 'AccountUnlocked', { account: alice, epoch: '1' })
    await emitter.emit(B, vaults[B]!, 'AccountUnlocked', { account: alice, epoch: '1' })
    await emitter.emit(C, vaults[C]!, 'AccountUnlocked', { account: alice, epoch: '1' })
    await aggregator.processPending()
    ;[account] = await db.select().from(accounts).where(eq(accounts.address, alice))
    expect(account).toMatchObject({ lockState: 'unlocked', lockEpoch: 1, lockChains: [], lockedChains: [] })
  })

  it('leaves a healthy account and an account without positions unlocked when the price falls', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(A, alice, tokens.wethA, E18)
    await emitter.deposit(B, addr(0xb0b), tokens.usdcB, 10n * E6)
    await aggregator.processPending()
    await openPosition(addr(0xb0b), E18 / 1000n, usd(2000))
    await emitter.price(A, feeds.ethA, usd(100), 2n)
    await aggregator.processPending()
    const rows = await db.select().from(accounts)
    expect(rows.every((r) => r.lockState === 'unlocked')).toBe(true)
    expect(await db.select().from(commands)).toHaveLength(0)
  })

  it('marks a command executed from the vault event once, voids an approval the lock overtook and rejects its request', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(C, alice, tokens.usdcC, 10n * E6)
    await emitter.requestWithdrawal(C, 2, alice, tokens.usdcC, 10n * E6)
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals)
    const args = { commandId: w!.commandId!, kind: '1', account: alice, outcome: '1', vmHash: `0x${'22'.repeat(32)}` }
    await emitter.emit(C, vaults[C]!, 'CommandExecuted', args)
    await emitter.emit(C, vaults[C]!, 'CommandExecuted', args)
    await aggregator.processPending()
    const [command] = await db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(command).toMatchObject({ state: 'executed', outcome: 'voided_by_lock' })
    const transitions = await db.select().from(commandTransitions).where(eq(commandTransitions.commandId, command!.id))
    expect(transitions.map((t) => t.toState)).toEqual(['pending', 'executed'])
    const [voided] = await db.select().from(withdrawals)
    expect(voided?.state).toBe('voided')
    // the vault kept the request pending: a Reject releases the escrow rather than leave it on the vault
    const [reject] = await db.select().from(commands).where(eq(commands.id, voided!.commandId!))
    expect(decodeCommand(reject!.payload as `0x${string}`)).toMatchObject({ kind: 'RejectWithdrawal', requestId: 2n, reason: RejectReason.AccountLocked })
  })

  it('releases the escrow of an approval the vault could not pay for lack of tokens', async () => {
    const { aggregator, emitter, db } = setup()
    await seedPrices(emitter)
    await emitter.deposit(C, alice, tokens.usdcC, 10n * E6)
    await emitter.requestWithdrawal(C, 3, alice, tokens.usdcC, 10n * E6)
    await aggregator.processPending()
    const [approved] = await db.select().from(withdrawals)
    await emitter.emit(C, vaults[C]!, 'CommandExecuted', { commandId: approved!.commandId!, kind: '1', account: alice, outcome: '4', vmHash: `0x${'33'.repeat(32)}` })
    await aggregator.processPending()
    const [w] = await db.select().from(withdrawals)
    expect(w?.state).toBe('voided')
    expect(w?.reason).toContain('lacked the tokens')
    const [reject] = await db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(decodeCommand(reject!.payload as `0x${string}`)).toMatchObject({ kind: 'RejectWithdrawal', requestId: 3n, reason: RejectReason.InsufficientLiquidity })
  })

  it('skips a malformed event and an event from an unknown address without blocking later ones', async () => {
    const { aggregator, emitter } = setup()
    await emitter.emit(B, vaults[B]!, 'Deposited', { account: 'nope', asset: tokens.usdcB, amount: '1' })
    await emitter.emit(B, addr(0x999), 'Deposited', { account: alice, asset: tokens.usdcB, amount: '1' })
    await emitter.deposit(B, alice, tokens.usdcB, 5n)
    expect(await aggregator.processPending()).toBe(3)
    expect(await balanceOf(alice, B, tokens.usdcB)).toBe(5n)
  })
})
