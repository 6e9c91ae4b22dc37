import { defineConfig } from '@unimargin/chains'
import { asc, commands, commandTransitions, type Database, eq, inArray, testDatabases } from '@unimargin/db'
import { createLocalGuardianAttester } from '@unimargin/protocol'
import pino from 'pino'
import { type Address, getAddress, type Hex, pad, toHex } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { releaseClaims } from './outbox.js'
import { createRelayer, type Relayer } from './relayer.js'

const addr = (n: number): Address => getAddress(pad(toHex(n), { size: 20 }))
const key = `0x${'11'.repeat(32)}` as const
/** Two chains behind a closed port: a step fails at once, after the claim this suite is about. */
const config = defineConfig({
  hub: { chainId: 31337, address: addr(0x4b) },
  chains: [31337, 31338].map((chainId) => ({
    name: `chain-${chainId}`,
    chainId,
    wormholeChainId: chainId - 31_000,
    rpcUrl: 'http://127.0.0.1:1',
    wormhole: addr(chainId),
    vault: addr(chainId + 1),
    assets: [{ symbol: 'ETH', address: addr(0xe), decimals: 18, feed: addr(0xf), haircutBps: 0 }],
  })),
  markets: [],
  guardians: {},
  venue: { reporter: addr(0x7) },
  relayer: { privateKey: key, baseDelayMs: 1, maxDelayMs: 5 },
  liquidation: { receiver: addr(0xdead) },
})
const FAR = new Date('2099-01-01T00:00:00Z')

describe.each(testDatabases())('relayer restart on $kind', ({ open }) => {
  let database: Database
  let relayer: Relayer | undefined
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await relayer?.stop()
    relayer = undefined
    await database?.close()
  })

  const id = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`
  /** Inserts commands claimed by `claimedBy` until `claimedUntil`, in `state` with what that state has recorded. */
  async function insertClaimed(ns: number[], claimedBy: string, claimedUntil: Date, state: 'pending' | 'published' = 'pending') {
    const ids = ns.map(id)
    await database.db.insert(commands).values(
      ids.map((x) => ({
        id: x,
        kind: 'Lock',
        account: `0x${x.slice(26)}`,
        destChainId: 31338,
        vault: addr(31339),
        payload: '0x00' as const,
        expiry: 1n,
        cause: 'test',
        state,
        claimedBy,
        claimedUntil,
        ...(state === 'published' ? { publishTx: `0x${'ab'.repeat(32)}` as const, sequence: 7n } : {}),
      })),
    )
    return ids
  }
  const rows = (ids: Hex[]) => database.db.select().from(commands).where(inArray(commands.id, ids)).orderBy(asc(commands.id))
  const start = (p: { id?: string } = {}) => {
    relayer = createRelayer({
      db: database.db,
      config,
      logger: pino({ level: 'silent' }),
      attester: createLocalGuardianAttester({ keys: [key], guardianSetIndex: 0 }),
      stepTimeoutMs: 2_000,
      ...p,
    })
    return relayer
  }

  it('picks up on its first poll the commands its node id claimed before a restart, instead of waiting out their lease', async () => {
    const own = await insertClaimed([1, 2], 'node-a', FAR)
    const [published] = await insertClaimed([3], 'node-a', FAR, 'published')
    expect(await start({ id: 'node-a' }).tick()).toBe(3)
    // each took its next step from its recorded state, and the published one kept its publish tx and sequence
    const after = await rows([...own, published!])
    expect(after.map((r) => r.attempts)).toEqual([1, 1, 1])
    expect(after[2]).toMatchObject({ publishTx: `0x${'ab'.repeat(32)}` as const, sequence: 7n })
    const [hop] = await database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, published!))
    expect(hop).toMatchObject({ fromState: 'published' })
  })

  it('leaves commands another node id claimed with a live lease untouched', async () => {
    const others = await insertClaimed([1, 2], 'node-b', FAR)
    expect(await start({ id: 'node-a' }).tick()).toBe(0)
    for (const r of await rows(others)) expect(r).toMatchObject({ claimedBy: 'node-b', claimedUntil: FAR, state: 'pending', attempts: 0 })
    expect(await database.db.select().from(commandTransitions)).toHaveLength(0)
  })

  it('releases nothing under the default pid-based id, which another host may share', async () => {
    const ids = await insertClaimed([1], `relayer-${process.pid}`, FAR)
    expect(await start().tick()).toBe(0)
    expect((await rows(ids))[0]).toMatchObject({ claimedBy: `relayer-${process.pid}`, claimedUntil: FAR })
  })

  it('releases only claims on commands still in flight', async () => {
    const [live] = await insertClaimed([1], 'node-a', FAR)
    const [done] = await insertClaimed([2], 'node-a', FAR)
    await database.db.update(commands).set({ state: 'executed' }).where(eq(commands.id, done!))
    expect(await releaseClaims(database.db, 'node-a')).toBe(1)
    expect((await rows([live!, done!])).map((r) => r.claimedBy)).toEqual([null, 'node-a'])
  })
})
