import { MarginVault } from '@unimargin/contracts'
import { type Database, testDatabases } from '@unimargin/db'
import { type Devnet, startDevnet, userDeposit } from '@unimargin/devnet'
import pino from 'pino'
import type { Abi, Hex } from 'viem'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FinalityViolationError } from './errors.js'
import { type RewriteResult, type RpcProxy, startRpcProxy } from './testing/rpcProxy.js'
import { createWatcher } from './watcher.js'
import { chainFinalizedBlock, logRangeShrinks } from './watcherMetrics.js'

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
      await devnet.reorg(chain().chainId, depth)
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

  /** The value of a series of `metric` for this chain (0 when absent). */
  const seriesOf = async (metric: typeof logRangeShrinks | typeof chainFinalizedBlock) =>
    (await metric.get()).values.find((v) => v.labels.chain === chain().name)?.value ?? 0

  it('halts instead of writing the new branch when a lagging provider still serves its checkpoint block after a reorg below it', async () => {
    let stale: { number: Hex; block: unknown } | undefined
    const w = await watcherThrough((method, params, result) => {
      // a provider behind the others answers the checkpoint's height once more from the branch it still holds
      if (method === 'eth_getBlockByNumber' && stale && params[0] === stale.number) {
        const block = stale.block
        stale = undefined
        return block
      }
      return result
    })
    await devnet.mine(chain().chainId, chain().confirmations + 1)
    await drain(w)
    const checkpoint = w.status().checkpoint!
    const c = devnet.chain(chain().chainId)
    const number = `0x${checkpoint.toString(16)}` as Hex
    const old = await c.publicClient.request({ method: 'eth_getBlockByNumber', params: [number, false] })
    await devnet.reorg(chain().chainId, Number((await head()) - checkpoint) + 2)
    // the new branch holds a deposit, confirmed
    await userDeposit(devnet, { chainId: chain().chainId, key: devnet.keys.users[0]! as Hex, symbol: 'USDC', amount: 4_000n })
    await devnet.mine(chain().chainId, chain().confirmations + 1)
    stale = { number, block: old }
    await expect(w.poll()).rejects.toBeInstanceOf(FinalityViolationError)
    expect(stale).toBeUndefined()
    expect(w.status().halted).toBeInstanceOf(FinalityViolationError)
    expect(w.status().checkpoint).toBe(checkpoint)
  })

  it('halves the log range while the provider rejects it and doubles it back to maxLogRange after successes, counting each halving', { timeout: 120_000 }, async () => {
    const shrinksBefore = await seriesOf(logRangeShrinks)
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
    expect((await seriesOf(logRangeShrinks)) - shrinksBefore).toBe(3)
    rejectAbove = undefined
    await drain(w)
    expect(spans.slice(0, 5)).toEqual([1n, 2n, 4n, 8n, 8n])
    expect((await seriesOf(logRangeShrinks)) - shrinksBefore).toBe(3)
    // caught up: the last final block it reports is the block it wrote up to
    expect(await seriesOf(chainFinalizedBlock)).toBe(Number(w.status().checkpoint))
  })
})
