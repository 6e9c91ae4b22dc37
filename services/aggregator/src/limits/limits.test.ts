import { and, collateralBalances, commands, createDatabase, type Database, type DbOrTx, eq, limitsSequences, testDatabases, withdrawals } from '@unimargin/db'
import { decodeCommand, RejectReason } from '@unimargin/protocol'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../aggregator/index.js'
import { A, addr, C, createEmitter, E6, seedPrices, silentLogger, T0, testConfig, tokens, vaults } from '../test-utils.js'
import { InvalidLimitsError, type SetLimitsParameters, writeSetLimits } from './index.js'

const alice = addr(0xa11ce)
const NOW = new Date('2024-01-01T00:00:00Z')
const pause = { chainId: C, asset: tokens.usdcC, outflowLimit: 0n, periodSeconds: 0, paused: true } satisfies SetLimitsParameters
const unpause = { ...pause, paused: false }

/** Writes a SetLimits decided at `referenceTs` and returns its command id and the limitsSequence on the wire. */
async function setLimitsAt(tx: DbOrTx, referenceTs: bigint, limits: SetLimitsParameters) {
  const ctx = { tx, config: testConfig(), logger: silentLogger, now: () => NOW, referenceTs }
  const { id, created } = await writeSetLimits(ctx, limits)
  const [row] = await tx.select({ payload: commands.payload }).from(commands).where(eq(commands.id, id))
  const command = decodeCommand(row!.payload as Hex)
  if (command.kind !== 'SetLimits') throw new Error(`expected a SetLimits, got ${command.kind}`)
  return { id, created, limitsSequence: command.limitsSequence }
}

describe.each(testDatabases())('vault limits and cancellations on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  const setup = () => {
    const config = testConfig()
    const aggregator = createAggregator({ db: database.db, config, logger: silentLogger, now: () => NOW })
    const ctx = { tx: database.db, config, logger: silentLogger, now: () => NOW, referenceTs: T0 }
    return { aggregator, emitter: createEmitter(database.db), db: database.db, ctx }
  }
  const balanceOf = async (account: string, chainId: number, asset: string) => {
    const [row] = await database.db
      .select()
      .from(collateralBalances)
      .where(and(eq(collateralBalances.account, account), eq(collateralBalances.chainId, chainId), eq(collateralBalances.asset, asset)))
    return row?.amount ?? 0n
  }
  /** alice deposits 10 USDC on chain C and asks to withdraw all of it as request 3; the hub approves it. */
  async function approvedWithdrawal(s: ReturnType<typeof setup>) {
    await seedPrices(s.emitter)
    await s.emitter.deposit(C, alice, tokens.usdcC, 10n * E6)
    await s.emitter.requestWithdrawal(C, 3, alice, tokens.usdcC, 10n * E6)
    await s.aggregator.processPending()
    const [w] = await s.db.select().from(withdrawals)
    expect(w?.state).toBe('approved')
    return w!
  }

  it('returns a cancelled withdrawal\'s escrow to the balance once and marks the withdrawal expired', async () => {
    const s = setup()
    await approvedWithdrawal(s)
    expect(await balanceOf(alice, C, tokens.usdcC)).toBe(0n)
    const cancelled = { requestId: '3', account: alice, asset: tokens.usdcC, amount: String(10n * E6) }
    await s.emitter.emit(C, vaults[C]!, 'WithdrawalCancelled', cancelled)
    await s.aggregator.processPending()
    await s.emitter.emit(C, vaults[C]!, 'WithdrawalCancelled', cancelled)
    await s.aggregator.processPending()

    expect(await balanceOf(alice, C, tokens.usdcC)).toBe(10n * E6)
    const [w] = await s.db.select().from(withdrawals)
    expect(w?.state).toBe('expired')
    expect(w?.escrowClosedAt).toEqual(NOW)
  })

  it('does not credit a cancellation of a withdrawal it never recorded', async () => {
    const s = setup()
    await s.emitter.emit(C, vaults[C]!, 'WithdrawalCancelled', { requestId: '9', account: alice, asset: tokens.usdcC, amount: '5' })
    expect(await s.aggregator.processPending()).toBe(1)
    expect(await balanceOf(alice, C, tokens.usdcC)).toBe(0n)
  })

  it('voids an approval the vault answered rate_limited and rejects the request with reason RateLimited', async () => {
    const s = setup()
    const approved = await approvedWithdrawal(s)
    await s.emitter.emit(C, vaults[C]!, 'CommandExecuted', { commandId: approved.commandId!, kind: '1', account: alice, outcome: '5', vmHash: `0x${'55'.repeat(32)}` })
    await s.aggregator.processPending()

    const [w] = await s.db.select().from(withdrawals)
    expect(w?.state).toBe('voided')
    expect(w?.reason).toContain('outflow limit')
    const [approval] = await s.db.select().from(commands).where(eq(commands.id, approved.commandId!))
    expect(approval?.outcome).toBe('rate_limited')
    const [reject] = await s.db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(decodeCommand(reject!.payload as Hex)).toMatchObject({ kind: 'RejectWithdrawal', requestId: 3n, reason: RejectReason.RateLimited })
  })

  it('voids an approval the vault answered vault_paused (its guardian paused it) and rejects the request, so the escrow goes back', async () => {
    const s = setup()
    const approved = await approvedWithdrawal(s)
    await s.emitter.emit(C, vaults[C]!, 'CommandExecuted', { commandId: approved.commandId!, kind: '1', account: alice, outcome: '7', vmHash: `0x${'56'.repeat(32)}` })
    await s.aggregator.processPending()

    const [w] = await s.db.select().from(withdrawals)
    expect(w?.state).toBe('voided')
    expect(w?.reason).toContain('paused by its guardian')
    const [approval] = await s.db.select().from(commands).where(eq(commands.id, approved.commandId!))
    expect(approval?.outcome).toBe('vault_paused')
    const [reject] = await s.db.select().from(commands).where(eq(commands.id, w!.commandId!))
    expect(decodeCommand(reject!.payload as Hex)).toMatchObject({ kind: 'RejectWithdrawal', requestId: 3n, reason: RejectReason.RateLimited })
  })

  it('applies a LimitsSet event without changing balances', async () => {
    const s = setup()
    // the watcher stores a bool argument as a JSON boolean, which the emitter's signature does not name
    const args = { asset: tokens.usdcC, outflowLimit: '1000', periodSeconds: 3600, paused: true, limitsSequence: '4' } as unknown as Record<string, string>
    await s.emitter.emit(C, vaults[C]!, 'LimitsSet', args)
    expect(await s.aggregator.processPending()).toBe(1)
    expect(await s.db.select().from(collateralBalances)).toHaveLength(0)
  })

  it('issues SetLimits above the highest limitsSequence its vault reported, so a fresh database does not issue superseded ones', async () => {
    const s = setup()
    const reported = (limitsSequence: string) =>
      ({ asset: tokens.usdcC, outflowLimit: '1000', periodSeconds: 3600, paused: false, limitsSequence }) as unknown as Record<string, string>
    await s.emitter.emit(C, vaults[C]!, 'LimitsSet', reported('7'))
    // an older one replayed later never lowers the counter
    await s.emitter.emit(C, vaults[C]!, 'LimitsSet', reported('3'))
    expect(await s.aggregator.processPending()).toBe(2)
    expect((await setLimitsAt(s.db, T0, pause)).limitsSequence).toBe(8n)
    // other assets of the vault keep their own count
    expect((await setLimitsAt(s.db, T0, { ...pause, asset: tokens.wethC })).limitsSequence).toBe(1n)
  })

  it('queues a SetLimits command for the vault, once per decision', async () => {
    const s = setup()
    const limits = { chainId: C, asset: tokens.usdcC, outflowLimit: 250_000n * E6, periodSeconds: 86_400, paused: true }
    const first = await writeSetLimits(s.ctx, limits)
    const again = await writeSetLimits(s.ctx, limits)
    expect(first.created).toBe(true)
    expect(again).toEqual({ id: first.id, created: false })
    const [command] = await s.db.select().from(commands).where(eq(commands.id, first.id))
    expect(command).toMatchObject({ kind: 'SetLimits', destChainId: C, vault: vaults[C], state: 'pending' })
    const { chainId, ...body } = limits
    expect(decodeCommand(command!.payload as Hex)).toMatchObject({ kind: 'SetLimits', commandId: first.id, destChainId: BigInt(chainId), ...body })
  })

  it('gives each new SetLimits of a vault and asset the next limitsSequence, and a retry of a decision keeps its own', async () => {
    const db = database.db
    expect((await setLimitsAt(db, T0, pause)).limitsSequence).toBe(1n)
    expect((await setLimitsAt(db, T0 + 60n, unpause)).limitsSequence).toBe(2n)
    const retry = await setLimitsAt(db, T0, pause)
    expect(retry).toMatchObject({ created: false, limitsSequence: 1n })
    expect((await setLimitsAt(db, T0 + 120n, pause)).limitsSequence).toBe(3n)

    // counted per vault and asset: another asset on the same vault and another chain's vault start at 1
    expect((await setLimitsAt(db, T0, { ...pause, asset: tokens.wethC })).limitsSequence).toBe(1n)
    expect((await setLimitsAt(db, T0, { ...pause, chainId: A, asset: tokens.wethA })).limitsSequence).toBe(1n)
    const [counter] = await db.select().from(limitsSequences).where(and(eq(limitsSequences.chainId, C), eq(limitsSequences.asset, tokens.usdcC)))
    expect(counter).toMatchObject({ vault: vaults[C], lastSequence: 3n })
  })

  it('issues distinct, increasing limitsSequences to SetLimits written at once by concurrent transactions', async () => {
    const written = await Promise.all(
      Array.from({ length: 6 }, (_, i) => database.db.transaction((tx) => setLimitsAt(tx, T0 + BigInt(i), i % 2 === 0 ? pause : unpause))),
    )
    expect(written.every((w) => w.created)).toBe(true)
    expect(written.map((w) => w.limitsSequence).sort((x, y) => Number(x - y))).toEqual([1n, 2n, 3n, 4n, 5n, 6n])
  })

  it('records a SetLimits the vault consumed as superseded as executed with that outcome', async () => {
    const s = setup()
    const { id } = await setLimitsAt(s.db, T0, pause)
    await s.emitter.emit(C, vaults[C]!, 'CommandExecuted', { commandId: id, kind: '6', account: addr(0), outcome: '6', vmHash: `0x${'66'.repeat(32)}` })
    expect(await s.aggregator.processPending()).toBe(1)
    const [command] = await s.db.select().from(commands).where(eq(commands.id, id))
    expect(command).toMatchObject({ state: 'executed', outcome: 'superseded' })
  })

  it('issues nothing for a SetLimits whose transaction rolls back', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await setLimitsAt(tx, T0, pause)
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect((await setLimitsAt(database.db, T0 + 1n, pause)).limitsSequence).toBe(1n)
  })

  it('refuses a period that does not fit in u32 with InvalidLimitsError', async () => {
    const s = setup()
    await expect(writeSetLimits(s.ctx, { chainId: C, asset: tokens.usdcC, outflowLimit: 1n, periodSeconds: 2 ** 32, paused: false })).rejects.toThrow(
      InvalidLimitsError,
    )
  })
})

it('continues the limitsSequence of a vault and asset after the database is closed and reopened', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'unimargin-limits-'))
  try {
    const before = await createDatabase({ dataDir })
    expect((await setLimitsAt(before.db, T0, pause)).limitsSequence).toBe(1n)
    await before.close()
    const after = await createDatabase({ dataDir })
    expect((await setLimitsAt(after.db, T0 + 60n, unpause)).limitsSequence).toBe(2n)
    await after.close()
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
