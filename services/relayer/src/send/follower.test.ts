import { anvilKey } from '@unimargin/devnet'
import { type Anvil, startAnvil } from '@unimargin/devnet/testing'
import { createPublicClient, createWalletClient, type Hex, http, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createChainFollower } from './follower.js'

describe('chain follower', () => {
  let anvil: Anvil
  const methods: string[] = []
  beforeAll(async () => {
    anvil = await startAnvil({ port: 24445, chainId: foundry.id, blockTimeSeconds: 0.5 })
  })
  afterAll(() => anvil?.stop())

  const client = () =>
    createPublicClient({
      chain: foundry,
      transport: http(anvil.rpcUrl, {
        onFetchRequest: async (request) => {
          methods.push((JSON.parse(await request.clone().text()) as { method: string }).method)
        },
      }),
    })
  const send = async () => {
    const account = privateKeyToAccount(anvilKey(1))
    const wallet = createWalletClient({ account, chain: foundry, transport: http(anvil.rpcUrl) })
    return wallet.sendTransaction({ to: account.address, value: 1n })
  }

  it('resolves the receipt of a transaction once it is mined, and a second wait at once from what it kept', async () => {
    const follower = createChainFollower({ client: client(), intervalMs: 50, maxAgeMs: 1000 })
    const hash = await send()
    const receipt = await follower.receipt(hash)
    expect(receipt).toMatchObject({ transactionHash: hash, status: 'success' })
    methods.length = 0
    expect(await follower.receipt(hash)).toBe(receipt)
    expect(methods).toEqual([])
    follower.stop()
  })

  it('serves the head from its background poll while it is fresh and polls again once it is older than its age limit', async () => {
    const follower = createChainFollower({ client: client(), intervalMs: 10_000, maxAgeMs: 300 })
    const first = await follower.head()
    methods.length = 0
    expect(await follower.head()).toBe(first)
    expect(methods).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 400))
    const later = await follower.head()
    expect(methods).toEqual(['eth_getBlockByNumber'])
    expect(later.seenAt).toBeGreaterThan(first.seenAt)
    expect(later.number).toBeGreaterThanOrEqual(first.number)
    follower.stop()
  })

  it('gives the timestamp of a block it saw without asking again, and of an older block by reading it', async () => {
    const follower = createChainFollower({ client: client(), intervalMs: 50, maxAgeMs: 1000 })
    const head = await follower.head()
    methods.length = 0
    expect(await follower.blockTimestamp(head.number)).toBe(head.timestamp)
    expect(methods).toEqual([])
    const genesis = await client().getBlock({ blockNumber: 0n })
    expect(await follower.blockTimestamp(0n)).toBe(genesis.timestamp)
    follower.stop()
  })

  it('rejects the wait for a transaction that is not mined within its timeout, naming it', async () => {
    const follower = createChainFollower({ client: client(), intervalMs: 50, maxAgeMs: 1000 })
    const unknown = keccak256(toHex('never sent')) as Hex
    await expect(follower.receipt(unknown, 300)).rejects.toThrow(`Transaction ${unknown} was not mined within 300 ms.`)
    follower.stop()
  })

  it('stops asking for a forgotten transaction\'s receipt and rejects its waits at once', async () => {
    const follower = createChainFollower({ client: client(), intervalMs: 25, maxAgeMs: 1000 })
    const unknown = keccak256(toHex('replaced, never mined')) as Hex
    const wait = follower.receipt(unknown, 60_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    follower.forget(unknown)
    await expect(wait).rejects.toThrow(`Stopped waiting for transaction ${unknown}.`)
    methods.length = 0
    // a new block comes and goes: the forgotten hash is not asked for
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(methods).not.toContain('eth_getTransactionReceipt')
    follower.stop()
  })

  it('asks for the receipts it waits for once per new block, all of them together', async () => {
    const follower = createChainFollower({ client: client(), intervalMs: 25, maxAgeMs: 1000 })
    await follower.head()
    const hashes = [await send(), await send(), await send()]
    methods.length = 0
    const receipts = await Promise.all(hashes.map((h) => follower.receipt(h)))
    expect(receipts.map((r) => r.status)).toEqual(['success', 'success', 'success'])
    const polls = methods.filter((m) => m === 'eth_getBlockByNumber').length
    // one look when each wait starts, then one per new block; never a request per poll per transaction
    expect(methods.filter((m) => m === 'eth_getTransactionReceipt').length).toBeLessThanOrEqual(3 * (1 + polls))
    expect(methods.filter((m) => m === 'eth_blockNumber')).toEqual([])
    follower.stop()
  })
})
