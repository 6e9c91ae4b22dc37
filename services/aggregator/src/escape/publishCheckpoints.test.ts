import { chainCheckpoints, commands, type Database, eq, escapeCheckpoints, testDatabases } from '@unimargin/db'
import { decodeCommand } from '@unimargin/protocol'
import type { Hex } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAggregator } from '../aggregator/index.js'
import { A, addr, B, C, createEmitter, E6, seedPrices, silentLogger, T0, testConfig, tokens } from '../test-utils.js'
import { loadEscapeClaims, publishCheckpoints } from './index.js'

const alice = addr(0xa11ce)
const bob = addr(0xb0b)
const NOW = new Date('2024-01-01T00:00:00Z')

describe.each(testDatabases())('escape checkpoint rounds on $kind', ({ open }) => {
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
    return { aggregator, emitter: createEmitter(database.db), ctx }
  }
  /** The watcher has fully written every chain up to `block`. */
  const watched = (block: bigint) =>
    database.db.insert(chainCheckpoints).values([A, B, C].map((chainId) => ({ chainId, blockNumber: block, blockHash: `0x${'00'.repeat(32)}` as const })))
      .onConflictDoUpdate({ target: chainCheckpoints.chainId, set: { blockNumber: block } })

  it('checkpoints each vault with the counters it saw and entitlements within what each account deposited', async () => {
    const s = setup()
    await seedPrices(s.emitter)
    await s.emitter.deposit(C, alice, tokens.usdcC, 10n * E6)
    await s.emitter.deposit(B, bob, tokens.usdcB, 5n * E6)
    await s.aggregator.processPending()
    await watched(1000n)

    const round = await publishCheckpoints(s.ctx)
    expect(round.skipped).toEqual([])
    expect(round.published.map((p) => [p.chainId, p.epoch, p.created])).toEqual([
      [A, 1n, true],
      [B, 1n, true],
      [C, 1n, true],
    ])
    const [claim] = await loadEscapeClaims(database.db, alice)
    expect(claim).toMatchObject({ chainId: C, asset: tokens.usdcC, creditedAt: 10n * E6, debitedAt: 0n })
    // no positions: nothing to lose, so the whole deposit less its haircut, at most the deposit
    expect(claim!.entitlement).toBeGreaterThan(0n)
    expect(claim!.entitlement).toBeLessThanOrEqual(10n * E6)
    const [row] = await database.db.select().from(commands).where(eq(commands.id, round.published[2]!.commandId))
    expect(decodeCommand(row!.payload as Hex)).toMatchObject({ kind: 'Checkpoint', epoch: 1n, root: claim!.root, asOfBlock: 1000n })
  })

  it('runs a round one checkpoint interval after the aggregator starts, not at start', async () => {
    const s = setup()
    await seedPrices(s.emitter)
    await s.emitter.deposit(C, alice, tokens.usdcC, 10n * E6)
    await watched(1000n)
    let clock = NOW.getTime()
    const aggregator = createAggregator({ db: database.db, config: { ...testConfig(), escape: { checkpointIntervalSeconds: 1 } }, logger: silentLogger, now: () => new Date(clock) })
    aggregator.start()
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(await database.db.select().from(escapeCheckpoints)).toHaveLength(0)
      clock += 1000
      const deadline = Date.now() + 10_000
      while ((await database.db.select().from(escapeCheckpoints)).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
      expect((await database.db.select().from(escapeCheckpoints)).map((c) => c.chainId).sort()).toEqual([A, B, C])
    } finally {
      await aggregator.stop()
    }
  })

  it('publishes nothing new when nothing changed, and the next epoch once a deposit did', async () => {
    const s = setup()
    await seedPrices(s.emitter)
    await s.emitter.deposit(C, alice, tokens.usdcC, 10n * E6)
    await s.aggregator.processPending()
    await watched(1000n)
    await publishCheckpoints(s.ctx)
    expect((await publishCheckpoints(s.ctx)).published.every((p) => !p.created && p.epoch === 1n)).toBe(true)

    await s.emitter.deposit(C, alice, tokens.usdcC, 1n * E6)
    await watched(2000n)
    // the deposit is written but not yet processed: the whole round waits, no vault gets a newer tree than another
    const waiting = await publishCheckpoints(s.ctx)
    expect(waiting).toEqual({ published: [], skipped: [{ chainId: C, reason: 'unprocessed_events' }] })
    await s.aggregator.processPending()
    const next = await publishCheckpoints(s.ctx)
    expect(next.published.find((p) => p.chainId === C)).toMatchObject({ epoch: 2n, created: true })
    const [claim] = await loadEscapeClaims(database.db, alice)
    expect(claim).toMatchObject({ epoch: 2n, creditedAt: 11n * E6 })
  })
})
