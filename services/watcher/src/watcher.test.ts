import { createServer } from 'node:net'
import { MarginVault, MockPriceFeed } from '@unimargin/contracts'
import { chainCheckpoints, chainEvents, createLeaseKeeper, type Database, type Db, eq, listLeases, testDatabases } from '@unimargin/db'
import { type Devnet, startDevnet, userDeposit } from '@unimargin/devnet'
import pino from 'pino'
import type { Abi, Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FinalityViolationError } from './errors.js'
import { createWatcher } from './watcher.js'

const logger = pino({ level: 'silent' })

/** A port nothing listens on: bound once by the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe.each(testDatabases())('watcher on $kind', ({ open }) => {
  let devnet: Devnet
  let database: Database
  let user: Hex
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: 20545 })
    user = devnet.keys.users[0]!
  })
  afterAll(() => devnet?.stop())
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const chain = () => devnet.config.chains[0]!
  const watcher = () =>
    createWatcher({
      db: database.db,
      chain: chain(),
      logger,
      contracts: [
        { address: chain().vault, abi: MarginVault.abi as Abi },
        ...chain().assets.map((a) => ({ address: a.feed, abi: MockPriceFeed.abi as Abi })),
      ],
    })
  const deposits = () => database.db.select().from(chainEvents).where(eq(chainEvents.eventName, 'Deposited'))
  const drain = async (w: ReturnType<typeof watcher>) => {
    for (let i = 0; i < 20; i++) if ((await w.poll()).caughtUp) return
  }

  it('writes a deposit only once it is buried under the confirmations, and only once', async () => {
    const w = watcher()
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 1_000n })
    await drain(w)
    expect((await deposits()).filter((e) => e.txHash === receipt.transactionHash)).toHaveLength(0)

    await devnet.mine(chain().chainId, chain().confirmations)
    await drain(w)
    await drain(w)
    const written = (await deposits()).filter((e) => e.txHash === receipt.transactionHash)
    expect(written).toHaveLength(1)
    expect(written[0]?.args).toMatchObject({ account: privateKeyToAddress(user), amount: '1000' })
    const answers = await database.db.select().from(chainEvents).where(eq(chainEvents.eventName, 'AnswerUpdated'))
    expect(answers.length).toBeGreaterThanOrEqual(3)
  })

  it("with finality 'finalized', writes a deposit only once the node's finalized block has passed it", async () => {
    const finalizedChain = { ...chain(), finality: 'finalized' as const }
    const w = createWatcher({ db: database.db, chain: finalizedChain, logger, contracts: [{ address: chain().vault, abi: MarginVault.abi as Abi }] })
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 2_000n })
    const client = devnet.chain(chain().chainId).publicClient
    // far more blocks than the confirmation depth, fewer than anvil's finality lag (64 blocks)
    await devnet.mine(chain().chainId, 10)
    await drain(w)
    const finalized = (await client.getBlock({ blockTag: 'finalized' })).number
    expect(finalized).toBeLessThan(receipt.blockNumber)
    expect((await deposits()).filter((e) => e.txHash === receipt.transactionHash)).toHaveLength(0)
    const [checkpoint] = await database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain().chainId))
    expect(checkpoint?.blockNumber ?? 0n).toBeLessThanOrEqual(finalized)

    await devnet.mine(chain().chainId, 64)
    await drain(w)
    expect((await deposits()).filter((e) => e.txHash === receipt.transactionHash)).toHaveLength(1)
  })

  it('keeps ingesting through a fallback RPC when the first endpoint is down', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const withFallback = { ...chain(), rpcUrl: dead, fallbackRpcUrls: [chain().rpcUrl] }
    const w = createWatcher({ db: database.db, chain: withFallback, logger, contracts: [{ address: chain().vault, abi: MarginVault.abi as Abi }] })
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 3_000n })
    await devnet.mine(chain().chainId, chain().confirmations)
    await drain(w)
    expect((await deposits()).filter((e) => e.txHash === receipt.transactionHash)).toHaveLength(1)

    const alone = createWatcher({ db: database.db, chain: { ...chain(), rpcUrl: dead, fallbackRpcUrls: [] }, logger, contracts: [{ address: chain().vault, abi: MarginVault.abi as Abi }] })
    await expect(alone.poll()).rejects.toThrow()
  })

  it('resumes from its checkpoint after a restart without writing anything twice', async () => {
    const first = watcher()
    const a = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 1n })
    await devnet.mine(chain().chainId, chain().confirmations)
    await drain(first)
    const checkpoint = first.status().checkpoint
    const b = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 2n })
    await devnet.mine(chain().chainId, chain().confirmations)

    const second = watcher()
    await drain(second)
    expect(second.status().checkpoint).toBeGreaterThan(checkpoint ?? 0n)
    const txs = (await deposits()).map((e) => e.txHash)
    expect(txs.filter((t) => t === a.transactionHash)).toHaveLength(1)
    expect(txs.filter((t) => t === b.transactionHash)).toHaveLength(1)
    expect(new Set(txs).size).toBe(txs.length)
  })

  it('never writes a deposit that a reorg inside the confirmation window removed', async () => {
    const w = watcher()
    await drain(w)
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 3n })
    await drain(w)
    // replace the deposit's block with an empty one, then bury the new tip
    await devnet.reorg(chain().chainId, 1)
    await devnet.mine(chain().chainId, chain().confirmations + 1)
    await drain(w)
    expect((await deposits()).filter((e) => e.txHash === receipt.transactionHash)).toHaveLength(0)
  })

  it('halts the chain when a reorg reaches below its checkpoint and records why in its checkpoint row', async () => {
    const w = watcher()
    await devnet.mine(chain().chainId, chain().confirmations + 1)
    await drain(w)
    await devnet.reorg(chain().chainId, chain().confirmations + 2)
    await expect(w.poll()).rejects.toBeInstanceOf(FinalityViolationError)
    await expect(w.poll()).rejects.toThrow(/reorganised below its finality depth/)
    // recorded for `/ready`, which may run in another process
    const [row] = await database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain().chainId))
    expect(row?.haltedReason).toContain(`reorganised below its finality depth: block ${row?.blockNumber} was ${row?.blockHash}`)
    expect(row?.haltedAt).toBeInstanceOf(Date)
  })

  it('resumes a halted chain in the same running watcher once its checkpoint row no longer records the halt', async () => {
    const w = createWatcher({
      db: database.db,
      chain: chain(),
      logger,
      pollIntervalMs: 50,
      haltCheckIntervalMs: 50,
      contracts: [{ address: chain().vault, abi: MarginVault.abi as Abi }],
    })
    const until = async (what: string, probe: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 60_000
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    const rowOf = async () => (await database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain().chainId)))[0]
    await devnet.mine(chain().chainId, chain().confirmations + 1)
    w.start()
    try {
      const c = devnet.chains[0]!
      // the reorg below must replace the checkpointed block: wait until this watcher has caught up to the head
      const head = await c.publicClient.getBlockNumber({ cacheTime: 0 })
      await until('the checkpoint at the head', async () => ((await rowOf())?.blockNumber ?? -1n) >= head - BigInt(chain().confirmations))
      await devnet.reorg(chain().chainId, chain().confirmations + 2)
      await devnet.mine(chain().chainId, 1)
      await until('the halt', () => w.status().halted instanceof FinalityViolationError)
      // halted: a deposit now is not ingested
      const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 5n })
      await devnet.mine(chain().chainId, chain().confirmations + 1)
      await new Promise((r) => setTimeout(r, 300))
      expect((await deposits()).filter((e) => e.txHash === receipt.transactionHash)).toHaveLength(0)
      expect(w.status().halted).toBeInstanceOf(FinalityViolationError)

      // what `chains resume` leaves: the checkpoint moved to a canonical block below the reorg, the halt cleared
      const fork = await c.publicClient.getBlock({ blockNumber: receipt.blockNumber - BigInt(chain().confirmations) - 3n })
      await database.db
        .update(chainCheckpoints)
        .set({ blockNumber: fork.number, blockHash: fork.hash, haltedReason: null, haltedAt: null })
        .where(eq(chainCheckpoints.chainId, chain().chainId))
      await until('the deposit made during the halt', async () => (await deposits()).some((e) => e.txHash === receipt.transactionHash))
      expect(w.status().halted).toBeUndefined()
      expect((await rowOf())?.haltedReason).toBeNull()
    } finally {
      await w.stop()
    }
  }, 240_000)

  it('records the head it saw advance, and when, with each checkpoint', async () => {
    const w = watcher()
    const before = Date.now()
    await devnet.mine(chain().chainId, chain().confirmations + 1)
    await drain(w)
    const head = await devnet.chains[0]!.publicClient.getBlockNumber({ cacheTime: 0 })
    const [row] = await database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain().chainId))
    expect(row).toMatchObject({ headBlock: head, blockNumber: head - BigInt(chain().confirmations), haltedReason: null })
    expect(row!.headSeenAt!.getTime()).toBeGreaterThanOrEqual(before)
  })

  it('ingests a chain on one node at a time: a standby takes over when the holder is cut off, and nothing is written twice', async () => {
    const until = async (what: string, probe: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 60_000
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    // node a reaches the database through a link that can be cut (a network partition): every call fails while cut
    let cut = false
    const linkOfA = new Proxy(database.db, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          if (cut) throw new Error('connection lost')
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      },
    }) as Db
    const name = `watcher:${chain().chainId}`
    const node = (db: Db, holder: string) =>
      createWatcher({
        db,
        chain: chain(),
        logger,
        pollIntervalMs: 50,
        contracts: [{ address: chain().vault, abi: MarginVault.abi as Abi }],
        lease: createLeaseKeeper({ db, name, holder, ttlMs: 1_000, intervalMs: 100, guardMs: 250 }),
      })
    const a = node(linkOfA, 'a')
    const b = node(database.db, 'b')
    const written = async (hash: Hex) => (await deposits()).filter((e) => e.txHash === hash).length
    const depositAndBury = async (amount: bigint) => {
      const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount })
      await devnet.mine(chain().chainId, chain().confirmations)
      return receipt.transactionHash
    }
    a.start()
    try {
      await until('a to hold the lease', () => a.status().leaseHeld)
      b.start()
      const first = await depositAndBury(11n)
      await until('the first deposit', async () => (await written(first)) === 1)
      expect(b.status().leaseHeld).toBe(false)

      cut = true
      await until('b to take the chain over', () => b.status().leaseHeld)
      expect(a.status().leaseHeld).toBe(false)
      const second = await depositAndBury(12n)
      await until('the second deposit, written by b', async () => (await written(second)) === 1)

      // a comes back and finds b holding the chain: it stands by and writes nothing
      cut = false
      const third = await depositAndBury(13n)
      await until('the third deposit', async () => (await written(third)) === 1)
      expect((await listLeases(database.db)).find((l) => l.name === name)?.holder).toBe('b')
      expect(a.status().leaseHeld).toBe(false)
      const txs = (await deposits()).map((e) => e.txHash)
      expect(new Set(txs).size).toBe(txs.length)
      for (const hash of [first, second, third]) expect(await written(hash)).toBe(1)
    } finally {
      cut = false
      await a.stop()
      await b.stop()
    }
  })
})
