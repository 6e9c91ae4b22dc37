import { MarginVault } from '@unimargin/contracts'
import { type Database, testDatabases } from '@unimargin/db'
import { type Devnet, startDevnet, userDeposit } from '@unimargin/devnet'
import pino from 'pino'
import type { Abi, Hex } from 'viem'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FinalityViolationError } from './errors.js'
import { type RewriteResult, type RpcProxy, startRpcProxy } from './testing/rpcProxy.js'
import { createWatcher } from './watcher.js'

const logger = pino({ level: 'silent' })

describe.each(testDatabases())('watcher against a faulty provider on $kind', ({ open }) => {
  let devnet: Devnet
  let database: Database
  const proxies: RpcProxy[] = []
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: 45650 })
  })
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()))
    await devnet?.stop()
  })
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const chain = () => devnet.config.chains[0]!
  const head = () => devnet.chain(chain().chainId).publicClient.getBlockNumber({ cacheTime: 0 })
  const watcherThrough = async (rewrite: RewriteResult, overrides: Partial<ReturnType<typeof chain>> = {}) => {
    const proxy = await startRpcProxy(chain().rpcUrl, rewrite)
    proxies.push(proxy)
    return createWatcher({
      db: database.db,
      chain: { ...chain(), rpcUrl: proxy.url, fallbackRpcUrls: [], ...overrides },
      logger,
      contracts: [{ address: chain().vault, abi: MarginVault.abi as Abi }],
    })
  }
  const drain = async (w: Awaited<ReturnType<typeof watcherThrough>>) => {
    for (let i = 0; i < 50; i++) if ((await w.poll()).caughtUp) return
  }

  it('halts when the chain reorganises below finality between the logs and the end block of a range', async () => {
    let reorgDepth: number | undefined
    const w = await watcherThrough(async (method, _params, result) => {
      if (method !== 'eth_getLogs' || reorgDepth === undefined) return result
      const depth = reorgDepth
      reorgDepth = undefined
      // the logs are already read: their blocks are replaced by empty ones before the answer arrives
      await devnet.chain(chain().chainId).testClient.request({ method: 'anvil_reorg', params: [depth, []] } as never)
      return result
    })
    await drain(w)
    const checkpoint = (await w.status()).checkpoint!
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: devnet.keys.users[0]! as Hex, symbol: 'USDC', amount: 3_000n })
    await devnet.mine(chain().chainId, chain().confirmations)
    reorgDepth = Number((await head()) - checkpoint)
    // the range holding the vanished deposit is written; the poll after it finds its end block replaced
    const error = await (async () => {
      await drain(w)
      await w.poll()
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FinalityViolationError)
    expect(w.status().halted).toBeInstanceOf(FinalityViolationError)
    const gone = await devnet.chain(chain().chainId).publicClient.getTransactionReceipt({ hash: receipt.transactionHash }).catch(() => undefined)
    expect(gone).toBeUndefined()
  })

  it('halves the log range while the provider rejects it and doubles it back to maxLogRange after successes', { timeout: 120_000 }, async () => {
    let rejectAbove: bigint | undefined = 1n
    const spans: bigint[] = []
    const from = await head()
    await devnet.mine(chain().chainId, 40)
    const w = await watcherThrough(
      (method, params, result) => {
        if (method !== 'eth_getLogs') return result
        const filter = params[0] as { fromBlock: Hex; toBlock: Hex }
        const span = BigInt(filter.toBlock) - BigInt(filter.fromBlock) + 1n
        if (rejectAbove !== undefined && span > rejectAbove) throw new Error(`range of ${span} blocks too large`)
        spans.push(span)
        return result
      },
      { maxLogRange: 8, startBlock: from },
    )
    // 8 → 4 → 2 → 1: each rejected range is halved until one passes
    for (let i = 0; i < 10 && spans.length === 0; i++) await w.poll().catch(() => undefined)
    expect(spans).toEqual([1n])
    rejectAbove = undefined
    await drain(w)
    expect(spans.slice(0, 5)).toEqual([1n, 2n, 4n, 8n, 8n])
  })
})
