import { defineConfig } from '@unimargin/chains'
import { type Anvil, startAnvil } from '@unimargin/devnet/testing'
import { Registry } from 'prom-client'
import { createTestClient, http, parseEther, publicActions, walletActions } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerRelayerWalletMetrics } from './walletMetrics.js'

const key = `0x${'42'.repeat(32)}` as const
const relayer = privateKeyToAccount(key)
const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}`
let anvil: Anvil

beforeAll(async () => {
  anvil = await startAnvil({ port: 45701, chainId: 45701 })
})
afterAll(async () => {
  await anvil?.stop()
})

const asset = { symbol: 'USDC', address: A(3), decimals: 6, feed: A(4), haircutBps: 200 }
const configOf = (rpcUrl: string, deadRpcUrl: string) =>
  defineConfig({
    hub: { chainId: 45701, address: A(5) },
    chains: [
      { name: 'live', chainId: 45701, wormholeChainId: 2, rpcUrl, wormhole: A(1), vault: A(2), assets: [asset] },
      { name: 'down', chainId: 45702, wormholeChainId: 3, rpcUrl: deadRpcUrl, wormhole: A(1), vault: A(3), assets: [asset] },
    ],
    markets: [],
    guardians: {},
    venue: { reporter: A(6) },
    relayer: { privateKey: key },
    liquidation: { receiver: A(7) },
  })

describe("the relayer wallet's metrics", () => {
  it('report its balance and its sent-but-unmined transactions per chain, and leave out a chain that does not answer', async () => {
    const test = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) }).extend(publicActions).extend(walletActions)
    await test.setBalance({ address: relayer.address, value: parseEther('1.5') })
    // two transactions in the mempool, not mined
    await test.setAutomine(false)
    await test.impersonateAccount({ address: relayer.address })
    for (let i = 0; i < 2; i++) await test.sendTransaction({ account: relayer.address, chain: null, to: A(9) as `0x${string}`, value: 1n })

    const registry = new Registry()
    registerRelayerWalletMetrics({ registry, config: configOf(anvil.rpcUrl, 'http://127.0.0.1:45709'), timeoutMs: 5_000 })
    const text = await registry.metrics()
    expect(text).toContain('unimargin_relayer_balance_eth{chain="live"} 1.5')
    expect(text).toContain('unimargin_relayer_pending_transactions{chain="live"} 2')
    expect(text).not.toContain('chain="down"')

    await test.mine({ blocks: 1 })
    await new Promise((r) => setTimeout(r, 600))
    expect(await registry.metrics()).toContain('unimargin_relayer_pending_transactions{chain="live"} 0')
  })
})
