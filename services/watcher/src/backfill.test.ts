import { DepositBatcher, MarginVault, MockERC20, MockPriceFeed } from '@unimargin/contracts'
import { chainCheckpoints, chainEvents, eq, sql, testDatabases } from '@unimargin/db'
import { type Devnet, startDevnet } from '@unimargin/devnet'
import pino from 'pino'
import type { Abi, Address, Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWatcher } from './watcher.js'

const logger = pino({ level: 'silent' })
const DEPOSITS_PER_TX = 100
const TXS = 80

describe.each(testDatabases())('watcher backfill on $kind', ({ open }) => {
  let devnet: Devnet
  let firstDepositBlock: bigint | undefined
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: 46050 })
    const c = devnet.chains[0]!
    const usdc = c.addresses.tokens.USDC
    const wait = async (hash: Hex) => {
      const receipt = await c.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20, timeout: 120_000 })
      if (receipt.status !== 'success') throw new Error(`reverted: ${hash}`)
      return receipt
    }
    const deployed = await wait(await c.walletClient.deployContract({ abi: DepositBatcher.abi, bytecode: DepositBatcher.bytecode as Hex }))
    const batcher = deployed.contractAddress!
    await wait(await c.walletClient.writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'mint', args: [batcher, 10n ** 18n] }))
    await wait(await c.walletClient.writeContract({ address: batcher, abi: DepositBatcher.abi, functionName: 'approve', args: [usdc, c.addresses.vault] }))
    const accounts = Array.from({ length: 4 }, (_, i) => `0x${(0xbac0 + i).toString(16).padStart(40, '0')}` as Address)
    // 8 000 deposits in 80 consecutive blocks: more events than one multi-row INSERT can bind, inside one first range
    for (let i = 0; i < TXS; i++) {
      const receipt = await wait(
        await c.walletClient.writeContract({
          address: batcher,
          abi: DepositBatcher.abi,
          functionName: 'depositMany',
          args: [c.addresses.vault, usdc, 1_000n, accounts, BigInt(DEPOSITS_PER_TX)],
          gas: 10_000_000n,
        }),
      )
      firstDepositBlock ??= receipt.blockNumber
    }
    await devnet.mine(c.chainId, devnet.config.chains[0]!.confirmations)
  }, 600_000)
  afterAll(() => devnet?.stop())

  /** Backfills the vault from its start block into a fresh database. @returns the polls it took after the first. */
  const backfill = async (maxLogRange: number, startBlock = devnet.config.chains[0]!.startBlock) => {
    const chain = { ...devnet.config.chains[0]!, maxLogRange, startBlock }
    const database = await open()
    try {
      const watcher = createWatcher({
        db: database.db,
        chain,
        logger,
        contracts: [{ address: chain.vault, abi: MarginVault.abi as Abi }, ...chain.assets.map((a) => ({ address: a.feed, abi: MockPriceFeed.abi as Abi }))],
      })
      const head = await devnet.chains[0]!.publicClient.getBlockNumber({ cacheTime: 0 })
      let polls = 0
      while (!(await watcher.poll()).caughtUp) polls++
      const [deposits] = await database.db
        .select({ n: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct (block_hash, log_index))::int` })
        .from(chainEvents)
        .where(eq(chainEvents.eventName, 'Deposited'))
      expect(deposits).toEqual({ n: DEPOSITS_PER_TX * TXS, distinct: DEPOSITS_PER_TX * TXS })
      // every block of deposits whole: no range read ahead was dropped or cut
      const perBlock = await database.db
        .select({ block: chainEvents.blockNumber, n: sql<number>`count(*)::int` })
        .from(chainEvents)
        .where(eq(chainEvents.eventName, 'Deposited'))
        .groupBy(chainEvents.blockNumber)
      expect(perBlock).toHaveLength(TXS)
      expect(perBlock.every((b) => b.n === DEPOSITS_PER_TX)).toBe(true)
      const [checkpoint] = await database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain.chainId))
      expect(checkpoint?.blockNumber).toBe(head - BigInt(chain.confirmations))
      return polls
    } finally {
      await database.close()
    }
  }

  it('writes every event of a range too dense for one multi-row INSERT exactly once', async () => {
    // from the first deposit's block, the first range (100 blocks) holds all 8 000 deposits
    expect(await backfill(1000, firstDepositBlock)).toBe(0)
  }, 300_000)

  it('writes every event exactly once over many ranges, each read while the one before is written', async () => {
    expect(await backfill(8)).toBeGreaterThanOrEqual(TXS / 8)
  }, 300_000)
})
