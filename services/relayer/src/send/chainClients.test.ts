import type { ChainConfig } from '@unimargin/chains'
import { anvilKey } from '@unimargin/devnet'
import { type Anvil, startAnvil } from '@unimargin/devnet/testing'
import { createTestClient, type Hex, http, parseAbi } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { relayerFeeBumps } from '../relayerMetrics.js'
import { chainClients } from './chainClients.js'

describe('the send path of a chain', () => {
  // one anvil per test: each changes how its chain mines and prices blocks
  const anvils: Anvil[] = []
  beforeAll(async () => {
    anvils.push(await startAnvil({ port: 24455, chainId: foundry.id }), await startAnvil({ port: 24465, chainId: foundry.id }))
  })
  afterAll(() => Promise.all(anvils.map((a) => a.stop())))

  /** Anvil `k` with mining by hand, and the relayer's clients of it sending from anvil key `key`. */
  async function manualChain(k: number, key: number) {
    const anvil = anvils[k]!
    const test = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) })
    await test.setAutomine(false)
    await test.mine({ blocks: 1 })
    const chain = { name: 'anvil', chainId: foundry.id, rpcUrl: anvil.rpcUrl, blockTimeMs: 400 } as ChainConfig
    const clients = chainClients(chain, privateKeyToAccount(anvilKey(key)))
    const ping = { address: privateKeyToAccount(anvilKey(8)).address, abi: parseAbi(['function ping()']), functionName: 'ping', args: [] }
    return { test, clients, ping }
  }

  it('sends a transaction the base fee outran again with higher fees, counts the replacement, and the wait for it ends with the replacement mined', async () => {
    const bumpsSent = async () => (await relayerFeeBumps.get()).values.find((v) => v.labels.chain === 'anvil' && v.labels.result === 'sent')?.value ?? 0
    const bumpsBefore = await bumpsSent()
    const { test, clients, ping } = await manualChain(0, 7)
    const before = await clients.public.getBlock()
    const sent = await clients.sendContract({ ...ping, gas: 50_000n })
    // the base fee jumps a hundredfold before the block: the transaction (max fee 3 × base) no longer fits
    await test.setNextBlockBaseFeePerGas({ baseFeePerGas: (before.baseFeePerGas ?? 1n) * 100n })
    const receipt = clients.public.waitForTransactionReceipt({ hash: sent })
    let mined: Awaited<typeof receipt> | undefined
    receipt.then((r) => {
      mined = r
    })
    for (let block = 0; block < 12 && !mined; block++) {
      await test.mine({ blocks: 1 })
      // a few head polls per block
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(mined).toBeDefined()
    expect(mined!.status).toBe('success')
    expect(mined!.transactionHash).not.toBe(sent)
    const replacement = await clients.public.getTransaction({ hash: mined!.transactionHash })
    const original = await clients.public.getTransaction({ hash: sent }).catch(() => undefined)
    expect(original?.blockNumber ?? null).toBeNull()
    expect(replacement.nonce).toBe(0)
    expect(replacement.maxFeePerGas).toBeGreaterThan((before.baseFeePerGas ?? 1n) * 3n)
    expect((await bumpsSent()) - bumpsBefore).toBeGreaterThanOrEqual(1)
    clients.close()
  })

  it('keeps at most one block of gas in flight: a send beyond it waits until the transactions before it are mined, then all are mined in order', async () => {
    const { test, clients, ping } = await manualChain(1, 9)
    const { gasLimit } = await clients.public.getBlock()
    // each asks for 40% of the block: two fit, the third would not
    const call = { ...ping, gas: (gasLimit * 4n) / 10n }
    const sent: { k: number; hash: Hex }[] = []
    const sends = [0, 1, 2].map((k) => clients.sendContract(call).then((hash) => sent.push({ k, hash })))
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(sent.map((s) => s.k)).toEqual([0, 1])
    expect((await test.getTxpoolStatus()).pending).toBe(2)

    await test.mine({ blocks: 1 })
    await Promise.all(sends)
    expect(sent.map((s) => s.k)).toEqual([0, 1, 2])
    await test.mine({ blocks: 1 })
    const receipts = await Promise.all(sent.map((s) => clients.public.waitForTransactionReceipt({ hash: s.hash })))
    const [first, second, third] = receipts
    expect(first!.blockNumber).toBe(second!.blockNumber)
    expect(third!.blockNumber).toBe(first!.blockNumber + 1n)
    expect(receipts.map((r) => r.status)).toEqual(['success', 'success', 'success'])
    clients.close()
  })
})
