import { defineConfig } from '@unimargin/chains'
import { LzEndpointV2, LzSendUln302, MarginHub, MarginVault, MockERC20, MockPriceFeed, WormholeCore } from '@unimargin/contracts'
import { type Hex, pad } from 'viem'
import { execFileSync } from 'node:child_process'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEVNET_COSIGNER_DELAY_SECONDS, DEVNET_COSIGNER_THRESHOLD, type Devnet, startDevnet, userDeposit } from './index.js'

const BASE_PORT = 18545

function anvilsOnPorts(ports: number[]): string[] {
  let lines: string[]
  try {
    lines = execFileSync('pgrep', ['-a', 'anvil'], { encoding: 'utf8' }).trim().split('\n')
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
  return lines.filter((l) => ports.some((p) => l.includes(`--port ${p} `)))
}

describe('startDevnet', () => {
  let devnet: Devnet
  beforeAll(async () => {
    devnet = await startDevnet({ basePort: BASE_PORT, guardianCount: 2 })
  })
  afterAll(() => devnet?.stop())

  it('starts three chains with EVM ids 31337.. and Wormhole ids 10002..', async () => {
    expect(devnet.chains.map((c) => [c.name, c.chainId, c.wormholeChainId, c.rpcUrl])).toEqual([
      ['chain-1', 31337, 10002, `http://127.0.0.1:${BASE_PORT}`],
      ['chain-2', 31338, 10003, `http://127.0.0.1:${BASE_PORT + 1}`],
      ['chain-3', 31339, 10004, `http://127.0.0.1:${BASE_PORT + 2}`],
    ])
    for (const c of devnet.chains) expect(await c.publicClient.getChainId()).toBe(c.chainId)
  })

  it('deploys a Wormhole core whose guardian set 0 holds the local guardians', async () => {
    const guardians = devnet.keys.guardians.map((k) => privateKeyToAddress(k))
    expect(guardians[0]).toBe('0xbeFA429d57cD18b7F8A4d91A2da9AB4AF05d0FBe')
    for (const c of devnet.chains) {
      const read = <F extends 'chainId' | 'evmChainId' | 'getCurrentGuardianSetIndex' | 'messageFee'>(functionName: F) =>
        c.publicClient.readContract({ address: c.addresses.wormhole, abi: WormholeCore.abi, functionName })
      expect(await read('chainId')).toBe(c.wormholeChainId)
      expect(await read('evmChainId')).toBe(BigInt(c.chainId))
      expect(await read('getCurrentGuardianSetIndex')).toBe(0)
      expect(await read('messageFee')).toBe(0n)
      const set = await c.publicClient.readContract({ address: c.addresses.wormhole, abi: WormholeCore.abi, functionName: 'getGuardianSet', args: [0] })
      expect(set.keys).toEqual(guardians)
    }
  })

  it('deploys the tokens, feeds and a vault listing them on every chain, and MarginHub on the first', async () => {
    const relayer = privateKeyToAddress(devnet.keys.relayer)
    for (const c of devnet.chains) {
      const { publicClient: pc, addresses: a } = c
      const decimals = await Promise.all(
        (['USDC', 'ETH', 'BTC'] as const).map((s) => pc.readContract({ address: a.tokens[s], abi: MockERC20.abi, functionName: 'decimals' })),
      )
      expect(decimals).toEqual([6, 18, 8])
      const answers = await Promise.all(
        (['USDC', 'ETH', 'BTC'] as const).map((s) => pc.readContract({ address: a.feeds[s], abi: MockPriceFeed.abi, functionName: 'latestRoundData' })),
      )
      expect(answers.map((r) => r[1])).toEqual([100_000_000n, 160_000_000_000n, 2_100_000_000_000n])
      for (const s of ['USDC', 'ETH', 'BTC'] as const)
        expect(await pc.readContract({ address: a.vault, abi: MarginVault.abi, functionName: 'isAssetSupported', args: [a.tokens[s]] })).toBe(true)
      expect(await pc.readContract({ address: a.vault, abi: MarginVault.abi, functionName: 'hubChainId' })).toBe(10002)
      expect(await pc.readContract({ address: a.vault, abi: MarginVault.abi, functionName: 'hubEmitter' })).toBe(
        `0x000000000000000000000000${devnet.hub.address.slice(2).toLowerCase()}`,
      )
      expect(c.isHub).toBe(c.index === 0)
      expect(a.hub).toBe(c.isHub ? devnet.hub.address : undefined)
    }
    const hubChain = devnet.chains[0]!
    expect(await hubChain.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'isPublisher', args: [relayer] })).toBe(true)
    const hubRead = <F extends 'coSigners' | 'threshold' | 'coSignerDelaySeconds'>(functionName: F) =>
      hubChain.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName })
    expect(await hubRead('coSigners')).toEqual(devnet.keys.coSigners.map((k) => privateKeyToAddress(k)))
    expect(await hubRead('threshold')).toBe(DEVNET_COSIGNER_THRESHOLD)
    expect(await hubRead('coSignerDelaySeconds')).toBe(BigInt(DEVNET_COSIGNER_DELAY_SECONDS))
    expect(await devnet.chains[1]!.publicClient.getCode({ address: devnet.hub.address })).toBeUndefined()
  })

  it('deploys LayerZero\'s EndpointV2 with eids 40101.. and ULN302 wired to every chain, hub and vaults peered', async () => {
    const hubChain = devnet.chains[0]!
    expect(devnet.hub.eid).toBe(40101)
    for (const c of devnet.chains) {
      const lz = c.addresses.layerzero
      const read = c.publicClient.readContract
      expect(lz.eid).toBe(40101 + c.index)
      expect(await read({ address: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'eid' })).toBe(lz.eid)
      for (const other of devnet.chains) {
        const eid = other.addresses.layerzero.eid
        expect(await read({ address: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'defaultSendLibrary', args: [eid] })).toBe(lz.sendLib)
        expect(await read({ address: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'defaultReceiveLibrary', args: [eid] })).toBe(lz.receiveLib)
        expect(await read({ address: lz.sendLib, abi: LzSendUln302.abi, functionName: 'isSupportedEid', args: [eid] })).toBe(true)
      }
      expect(await read({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'peers', args: [40101] })).toBe(pad(devnet.hub.address).toLowerCase())
      expect(await hubChain.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'peers', args: [lz.eid] })).toBe(
        pad(c.addresses.vault).toLowerCase(),
      )
    }
    expect(devnet.config.chains.map((c) => c.layerzero?.eid)).toEqual([40101, 40102, 40103])
    expect(devnet.config.routes).toEqual([])
  })

  it('returns a config that validates, with per-chain haircuts and the roles\' addresses', () => {
    const config = defineConfig(devnet.config)
    expect(config.hub).toEqual({ chainId: 31337, address: devnet.hub.address, consistencyLevel: 1 })
    expect(config.chains.map((c) => c.assets.map((a) => `${a.symbol}:${a.haircutBps}`))).toEqual([
      ['USDC:200', 'ETH:1000', 'BTC:1000'],
      ['USDC:200', 'ETH:1000', 'BTC:1000'],
      ['USDC:200', 'ETH:1500', 'BTC:1500'],
    ])
    expect(config.chains.every((c) => c.confirmations === 2 && c.startBlock > 0n)).toBe(true)
    expect(config.markets.map((m) => [m.symbol, m.imfBps, m.mmfBps])).toEqual([
      ['ETH-PERP', 1000, 500],
      ['BTC-PERP', 1000, 500],
    ])
    expect(config.guardians).toMatchObject({ setIndex: 0, keys: devnet.keys.guardians })
    expect(config.venue.reporter).toBe(privateKeyToAddress(devnet.keys.reporter))
    expect(config.relayer.privateKey).toBe(devnet.keys.relayer)
    expect(config.liquidation).toMatchObject({ receiver: privateKeyToAddress(devnet.keys.receiver), penaltyBps: 100 })
  })

  it('credits a deposit on a vault to the account', async () => {
    const c = devnet.chains[2]!
    const key = devnet.keys.users[0]!
    const user = privateKeyToAddress(key)
    const wallet = c.wallet(key)
    const amount = 2n * 10n ** 18n
    await devnet.mint(c.chainId, 'ETH', user, amount)
    const approve = await wallet.writeContract({ address: c.addresses.tokens.ETH, abi: MockERC20.abi, functionName: 'approve', args: [c.addresses.vault, amount] })
    await c.publicClient.waitForTransactionReceipt({ hash: approve })
    const hash = await wallet.writeContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'deposit', args: [c.addresses.tokens.ETH, amount, user] })
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(receipt.blockNumber).toBeGreaterThanOrEqual(c.startBlock)
    expect(await c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [user, c.addresses.tokens.ETH] })).toBe(amount)
  })

  it('sets a price on every chain\'s feed', async () => {
    await devnet.setPrice('BTC', 30_000n * 10n ** 8n)
    for (const c of devnet.chains) {
      const [, answer] = await c.publicClient.readContract({ address: c.addresses.feeds.BTC, abi: MockPriceFeed.abi, functionName: 'latestRoundData' })
      expect(answer).toBe(30_000n * 10n ** 8n)
    }
  })

  it('mines blocks on request', async () => {
    const c = devnet.chains[1]!
    const before = await c.publicClient.getBlockNumber({ cacheTime: 0 })
    await devnet.mine(c.chainId, 5)
    expect(await c.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(before + 5n)
  })

  it('replaces every block a reorg reaches with one of a new hash, dropping the transactions they held but those it is given', async () => {
    const c = devnet.chains[1]!
    for (let round = 0; round < 6; round++) {
      const receipt = await userDeposit(devnet, { chainId: c.chainId, key: devnet.keys.users[0]!, symbol: 'USDC', amount: 1n })
      await devnet.mine(c.chainId, 2)
      const head = await c.publicClient.getBlockNumber({ cacheTime: 0 })
      const old = await Promise.all([0n, 1n, 2n, 3n].map((k) => c.publicClient.getBlock({ blockNumber: head - k })))
      // odd rounds mine every transaction again (the last round's markers among them) in the first new block
      const keep = round % 2 === 1
      const raw = (hash: Hex) => c.publicClient.request({ method: 'eth_getRawTransactionByHash', params: [hash] }) as Promise<Hex>
      const again = keep ? await Promise.all([...old].reverse().flatMap((b) => b.transactions).map(async (h) => [await raw(h), 0] as const)) : []
      await devnet.reorg(c.chainId, 4, again)
      expect(await c.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(head)
      for (const block of old) expect((await c.publicClient.getBlock({ blockNumber: block.number })).hash).not.toBe(block.hash)
      const after = await c.publicClient.getTransactionReceipt({ hash: receipt.transactionHash }).catch(() => undefined)
      expect(after?.blockNumber).toBe(keep ? head - 3n : undefined)
    }
    await expect(devnet.reorg(c.chainId, 0)).rejects.toThrow(/Reorg depth must be an integer/)
  })

  it('leaves no anvil process behind after stop', async () => {
    const ports = devnet.chains.map((c) => BASE_PORT + c.index)
    expect(anvilsOnPorts(ports)).toHaveLength(3)
    await devnet.stop()
    await devnet.stop()
    expect(anvilsOnPorts(ports)).toEqual([])
    for (const c of devnet.chains) expect(() => process.kill(c.pid, 0)).toThrow()
  })
})
