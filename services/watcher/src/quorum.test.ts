import { MarginVault } from '@unimargin/contracts'
import { chainCheckpoints, chainEvents, type Database, eq, testDatabases } from '@unimargin/db'
import { type Devnet, startDevnet, userDeposit } from '@unimargin/devnet'
import pino from 'pino'
import { type Abi, type Hex, toEventSelector } from 'viem'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { QuorumDisagreementError, QuorumSplitError } from './errors.js'
import { type RpcProxy, startRpcProxy } from './testing/rpcProxy.js'
import { createWatcher } from './watcher.js'

const logger = pino({ level: 'silent' })
const DEPOSITED = toEventSelector(MarginVault.abi.find((x) => x.type === 'event' && x.name === 'Deposited')!)
type RpcLog = { topics: Hex[]; data: Hex }

/** A provider that inflates every deposit it reports to 10^30 base units (a poisoned node). */
const inflateDeposits = (method: string, _params: unknown[], result: unknown) =>
  method === 'eth_getLogs'
    ? (result as RpcLog[]).map((l) => (l.topics[0] === DEPOSITED ? { ...l, data: `0x${(10n ** 30n).toString(16).padStart(64, '0')}${l.data.slice(66)}` } : l))
    : result
/** A provider that withholds every deposit (a truncated or censored `eth_getLogs`). */
const withholdDeposits = (method: string, _params: unknown[], result: unknown) =>
  method === 'eth_getLogs' ? (result as RpcLog[]).filter((l) => l.topics[0] !== DEPOSITED) : result

describe.each(testDatabases())('quorum reads on $kind', ({ open }) => {
  let devnet: Devnet
  let database: Database
  let user: Hex
  const proxies: RpcProxy[] = []
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: 34545 })
    user = devnet.keys.users[0]!
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
  const proxy = async (rewrite?: Parameters<typeof startRpcProxy>[1]) => {
    const p = await startRpcProxy(chain().rpcUrl, rewrite)
    proxies.push(p)
    return p.url
  }
  const watcherOver = (rpcUrls: string[], quorum: number) =>
    createWatcher({
      db: database.db,
      chain: { ...chain(), rpcUrl: rpcUrls[0]!, fallbackRpcUrls: rpcUrls.slice(1), quorum },
      logger,
      contracts: [{ address: chain().vault, abi: MarginVault.abi as Abi }],
    })
  const depositsOf = async (tx: Hex) => (await database.db.select().from(chainEvents).where(eq(chainEvents.eventName, 'Deposited'))).filter((e) => e.txHash === tx)
  const drain = async (w: ReturnType<typeof watcherOver>) => {
    for (let i = 0; i < 20; i++) if ((await w.poll()).caughtUp) return
  }

  it('credits the deposit the honest majority reports, never the one a lying provider inflates (2 of 3)', async () => {
    const w = watcherOver([chain().rpcUrl, await proxy(), await proxy(inflateDeposits)], 2)
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 5_000n })
    await devnet.mine(chain().chainId, chain().confirmations)
    await drain(w)
    const written = await depositsOf(receipt.transactionHash)
    expect(written).toHaveLength(1)
    expect(written[0]?.args).toMatchObject({ amount: '5000' })
    expect(w.status().halted).toBeUndefined()
  })

  it.each([
    ['inflates a deposit', inflateDeposits],
    ['withholds a deposit', withholdDeposits],
  ])('halts the chain and credits nothing when no quorum agrees because one provider %s (2 of 2)', async (_what, rewrite) => {
    await drain(watcherOver([chain().rpcUrl], 1)) // history so far, from the node itself: a checkpoint to halt at
    const w = watcherOver([chain().rpcUrl, await proxy(rewrite)], 2)
    await devnet.mine(chain().chainId, 1)
    await drain(w) // ranges without deposits agree: the checkpoint moves on
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 7_000n })
    await devnet.mine(chain().chainId, chain().confirmations)
    const error = await (async () => {
      for (let i = 0; i < 20; i++) if ((await w.poll()).caughtUp) return undefined
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QuorumDisagreementError)
    expect(await depositsOf(receipt.transactionHash)).toHaveLength(0)
    expect(w.status().halted).toBeInstanceOf(QuorumDisagreementError)
    const [row] = await database.db.select().from(chainCheckpoints).where(eq(chainCheckpoints.chainId, chain().chainId))
    expect(row?.haltedReason).toContain('no 2 providers agree')
    expect(row?.blockNumber).toBeLessThan(receipt.blockNumber)
    await expect(w.poll()).rejects.toBeInstanceOf(QuorumDisagreementError)
  })

  it('reads again without halting while the providers answer from different branches, and goes on once they agree (2 of 2)', async () => {
    await drain(watcherOver([chain().rpcUrl], 1))
    // a provider the latest blocks have not reached the same way: every block it serves has another hash
    let otherBranch = true
    const w = watcherOver(
      [
        chain().rpcUrl,
        await proxy((method, _params, result) =>
          otherBranch && method === 'eth_getBlockByNumber' && result ? { ...(result as object), hash: `0x${'ab'.repeat(32)}` } : result,
        ),
      ],
      2,
    )
    await devnet.mine(chain().chainId, chain().confirmations + 1)
    await expect(w.poll()).rejects.toBeInstanceOf(QuorumSplitError)
    expect(w.status().halted).toBeUndefined()
    otherBranch = false
    const receipt = await userDeposit(devnet, { chainId: chain().chainId, key: user, symbol: 'USDC', amount: 3_000n })
    await devnet.mine(chain().chainId, chain().confirmations)
    await drain(w)
    expect(await depositsOf(receipt.transactionHash)).toHaveLength(1)
    expect(w.status().halted).toBeUndefined()
  })
})
