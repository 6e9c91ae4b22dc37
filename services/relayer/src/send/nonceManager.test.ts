import type { ChainConfig } from '@unimargin/chains'
import { anvilKey } from '@unimargin/devnet'
import { type Anvil, startAnvil } from '@unimargin/devnet/testing'
import pino from 'pino'
import { createPublicClient, http, NonceTooLowError, parseAbi } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainClients, KeyNotHeldError } from './chainClients.js'
import { asNonceError, createNonceManager, isNonceError } from './nonceManager.js'

describe('nonces of the relayer key', () => {
  let anvil: Anvil
  beforeAll(async () => {
    anvil = await startAnvil({ port: 45450, chainId: foundry.id, blockTimeSeconds: 1 })
  })
  afterAll(() => anvil?.stop())

  const chain = () => ({ name: 'anvil', chainId: foundry.id, rpcUrl: anvil.rpcUrl, blockTimeMs: 1_000 }) as ChainConfig
  const ping = { address: privateKeyToAccount(anvilKey(8)).address, abi: parseAbi(['function ping()']), functionName: 'ping', args: [], gas: 50_000n }

  it("recognises the node's refusal of a reused nonce as viem's NonceTooLowError, through the error's cause chain", async () => {
    const account = privateKeyToAccount(anvilKey(5))
    const client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) })
    const nonce = await client.getTransactionCount({ address: account.address, blockTag: 'pending' })
    const tx = { chainId: foundry.id, type: 'eip1559' as const, to: ping.address, gas: 21_000n, nonce, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n }
    await client.waitForTransactionReceipt({ hash: await client.sendRawTransaction({ serializedTransaction: await account.signTransaction(tx) }) })
    const refusal = await client.sendRawTransaction({ serializedTransaction: await account.signTransaction({ ...tx, maxPriorityFeePerGas: 2n }) }).catch((e: unknown) => e)
    // viem leaves a raw send's refusal untyped: the message alone says why
    expect(isNonceError(refusal)).toBe(false)
    const typed = asNonceError(refusal, nonce)
    expect(typed).toBeInstanceOf(NonceTooLowError)
    expect(isNonceError(typed)).toBe(true)
    // another error passes through unchanged
    const other = new Error('connection reset')
    expect(asNonceError(other, nonce)).toBe(other)
    expect(isNonceError(other)).toBe(false)
  })

  it('counts nonces locally after one read, resyncs from the node without going back, and reads afresh after a reset', async () => {
    let node = 7
    let reads = 0
    const nonces = createNonceManager({
      source: async () => {
        reads++
        return node
      },
    })
    expect(await nonces.get()).toBe(7)
    nonces.increment()
    nonces.increment()
    expect(await nonces.get()).toBe(9)
    expect(reads).toBe(1)
    // the node counts fewer (it lost a transaction from its pool): keep the local count
    expect(await nonces.resync()).toBe(9)
    node = 12
    expect(await nonces.resync()).toBe(12)
    // another process sent from the key: read the node's count again, even if lower
    node = 10
    nonces.reset()
    expect(await nonces.get()).toBe(10)
    expect(reads).toBe(4)
  })

  it('recovers from a nonce another sender of the key took by one resync, and reports it as a nonce error', async () => {
    const lines: string[] = []
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
    const account = privateKeyToAccount(anvilKey(6))
    // two senders of one key, as two relayers without a lease would be
    const first = chainClients(chain(), account, { log })
    const second = chainClients(chain(), account, { log })
    try {
      // the second counts its nonce with its first send, then the first sends with the next one
      await second.public.waitForTransactionReceipt({ hash: await second.sendContract(ping) })
      await first.public.waitForTransactionReceipt({ hash: await first.sendContract(ping) })
      // the second's local count is now taken: refused for its nonce, it resyncs from the node once and sends
      const receipt = await second.public.waitForTransactionReceipt({ hash: await second.sendContract(ping) })
      expect(receipt.status).toBe('success')
      expect(lines.filter((l) => l.includes('"nonce_error":true'))).toHaveLength(1)
    } finally {
      first.close()
      second.close()
    }
  })

  it('sends nothing while this node does not hold the key, and sends once it does', async () => {
    let held = false
    const clients = chainClients(chain(), privateKeyToAccount(anvilKey(7)), { keyHeld: () => held })
    try {
      await expect(clients.sendContract(ping)).rejects.toBeInstanceOf(KeyNotHeldError)
      held = true
      expect(await clients.takeOver(30_000)).toBe(true)
      const receipt = await clients.public.waitForTransactionReceipt({ hash: await clients.sendContract(ping) })
      expect(receipt.status).toBe('success')
    } finally {
      clients.close()
    }
  })
})
