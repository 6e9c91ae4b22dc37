import type { ChainConfig } from '@unimargin/chains'
import { anvilKey } from '@unimargin/devnet'
import { type Anvil, startAnvil } from '@unimargin/devnet/testing'
import { createTestClient, http, parseAbi } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainClients } from './context.js'

describe('fee bumping', () => {
  let anvil: Anvil
  beforeAll(async () => {
    anvil = await startAnvil({ port: 24455, chainId: foundry.id })
  })
  afterAll(() => anvil?.stop())

  it('sends a transaction the base fee outran again with higher fees, and the wait for it ends with the replacement mined', async () => {
    const test = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) })
    await test.setAutomine(false)
    await test.mine({ blocks: 1 })
    const chain = { name: 'anvil', chainId: foundry.id, rpcUrl: anvil.rpcUrl, blockTimeMs: 400 } as ChainConfig
    const clients = chainClients(chain, privateKeyToAccount(anvilKey(7)))
    const before = await clients.public.getBlock()
    const sent = await clients.sendContract({
      address: privateKeyToAccount(anvilKey(8)).address,
      abi: parseAbi(['function ping()']),
      functionName: 'ping',
      args: [],
      gas: 50_000n,
    })
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
    clients.close()
  })
})
