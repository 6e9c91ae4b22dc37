import type { ChainConfig } from '@unimargin/chains'
import { anvilKey } from '@unimargin/devnet'
import { type Anvil, startAnvil } from '@unimargin/devnet/testing'
import { createTestClient, type Hex, http, parseAbi } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainClients } from './context.js'

describe('the send path of a chain', () => {
  let anvil: Anvil
  beforeAll(async () => {
    anvil = await startAnvil({ port: 24465, chainId: foundry.id })
  })
  afterAll(() => anvil?.stop())

  it('keeps at most one block of gas in flight: a send beyond it waits until the transactions before it are mined, then all are mined in order', async () => {
    const test = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) })
    await test.setAutomine(false)
    await test.mine({ blocks: 1 })
    const chain = { name: 'anvil', chainId: foundry.id, rpcUrl: anvil.rpcUrl, blockTimeMs: 400 } as ChainConfig
    const clients = chainClients(chain, privateKeyToAccount(anvilKey(9)))
    const { gasLimit } = await clients.public.getBlock()
    // each asks for 40% of the block: two fit, the third would not
    const call = { address: privateKeyToAccount(anvilKey(8)).address, abi: parseAbi(['function ping()']), functionName: 'ping', args: [], gas: (gasLimit * 4n) / 10n }
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
