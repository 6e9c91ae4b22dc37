import type { Config, TransportName } from '@unimargin/chains'
import { MarginVault } from '@unimargin/contracts'
import { commands, testDatabases } from '@unimargin/db'
import { signPublishedMessages } from '@unimargin/devnet/testing'
import { type Attester, createLocalGuardianAttester, encodeCommand } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import type { Relayer } from './relayer.js'
import { relayerDeadLetters, relayerFallbacks } from './relayerMetrics.js'
import { relayerTestbed } from './testbed.js'

/** An attestation source that never answers with a VAA, as during a guardian outage. */
const silentAttester: Attester = {
  attest: async () => {
    throw new Error('attester unavailable')
  },
}

describe.each(testDatabases())('transport fallback on $kind', ({ open }) => {
  const bed = relayerTestbed(open, { chains: 2, basePort: 21745 })
  let ids = 0

  const { hub, spoke } = bed
  const relayer = (p: { attester?: Attester; fallbackAfterMs?: number; maxAttempts?: number; config?: Config } = {}) =>
    bed.relayer({ maxAttempts: 1_000, fallbackAfterMs: 1_000, ...p })
  const { row, transitionsOf } = bed
  const executions = (commandId: Hex) =>
    spoke().publicClient.getContractEvents({ address: spoke().addresses.vault, abi: MarginVault.abi, eventName: 'CommandExecuted', args: { commandId }, fromBlock: 0n })
  const lockOf = (account: Address) => spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })

  async function enqueueLock(account: Address, lockEpoch: number) {
    const id = keccak256(toHex(`relayer-fallback-test-${Date.now()}-${ids++}`))
    const expiry = (await spoke().publicClient.getBlock()).timestamp + 3600n
    const payload = encodeCommand({ kind: 'Lock', commandId: id, destChainId: BigInt(spoke().chainId), vault: spoke().addresses.vault, expiry, account, lockEpoch })
    await bed.database.db.insert(commands).values({ id, kind: 'Lock', account, destChainId: spoke().chainId, vault: spoke().addresses.vault, payload, expiry, cause: 'test' })
    return { id: id as Hex, payload }
  }

  /** Ticks `r`, mining a block on every chain in between, until the command is executed or dead (≤ 20 s). */
  async function runUntilSettled(id: string, r: Relayer) {
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      await r.tick()
      const x = await row(id)
      if (x.state === 'executed' || x.state === 'dead') return x
      await Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error(`command ${id} did not settle: ${JSON.stringify([(await row(id)).state, (await row(id)).lastError])}`)
  }
  const fallbackOf = async (id: string) => (await transitionsOf(id)).filter((t) => t.detail.fallback)

  it('re-sends a command whose Wormhole attestation stalls over LayerZero with the same id, and it executes once', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[0]!)
    const { id } = await enqueueLock(account, 3)
    const settled = await runUntilSettled(id, relayer({ attester: silentAttester }))
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    expect(await lockOf(account)).toEqual([true, 3])
    expect(await executions(id)).toHaveLength(1)

    const [fallback, ...more] = await fallbackOf(id)
    expect(more).toHaveLength(0)
    expect(fallback).toMatchObject({ toState: 'pending', detail: { fallback: 'layerzero', from: 'wormhole' } })
    expect(fallback!.detail.reason).toMatch(/not executed after 1000 ms/)
    const published = (await transitionsOf(id)).filter((t) => t.toState === 'published').map((t) => t.detail.transport)
    expect(published).toEqual(['wormhole', 'layerzero'])

    // the abandoned Wormhole message, attested late and delivered by anyone, is refused as already executed
    const [message] = await signPublishedMessages({
      publicClient: hub().publicClient,
      txHash: (fallback!.detail.previous as { publish_tx: Hex }).publish_tx,
      wormhole: hub().addresses.wormhole,
      emitterChain: hub().wormholeChainId,
      guardianKeys: bed.devnet.keys.guardians,
    })
    await expect(
      spoke().publicClient.simulateContract({
        address: spoke().addresses.vault,
        abi: MarginVault.abi,
        functionName: 'executeCommand',
        args: [message!.vaa],
        account: privateKeyToAccount(bed.devnet.keys.relayer),
      }),
    ).rejects.toThrow(/CommandAlreadyExecuted/)
  })

  it('keeps a waiting command on its route while the route executes others, and falls back once nothing executes there', async () => {
    const waiting = await enqueueLock(privateKeyToAddress(bed.devnet.keys.users[4]!), 7)
    const local = createLocalGuardianAttester({ keys: bed.devnet.keys.guardians, guardianSetIndex: 0 })
    // guardians that do not sign this one command (say it is behind a backlog), and sign every other
    const attester: Attester = {
      attest: async (message) => {
        if (message.payload.toLowerCase().includes(waiting.id.slice(2).toLowerCase())) throw new Error('not signed yet')
        return local.attest(message)
      },
    }
    const r = relayer({ attester, fallbackAfterMs: 2_000 })
    // for 4 s (twice the threshold) other commands keep executing on the route
    for (let k = 0, until = Date.now() + 4_000; Date.now() < until; k++) {
      const other = await enqueueLock(privateKeyToAddress(bed.devnet.keys.users[5]!), 100 + k)
      expect(await runUntilSettled(other.id, r)).toMatchObject({ state: 'executed' })
    }
    // another relayer node, which executed nothing itself, reads the route's recent executions from the outbox
    await relayer({ attester, fallbackAfterMs: 2_000 }).tick()
    expect(await fallbackOf(waiting.id)).toHaveLength(0)
    expect((await row(waiting.id)).publishTx).not.toBeNull()
    // then the route goes quiet: the waiting command falls back and executes once
    const settled = await runUntilSettled(waiting.id, r)
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    const [fallback] = await fallbackOf(waiting.id)
    expect(fallback!.detail).toMatchObject({ fallback: 'layerzero', from: 'wormhole' })
    expect(fallback!.detail.reason).toMatch(/nor anything else on its route/)
    expect(await executions(waiting.id)).toHaveLength(1)
  })

  it('falls back instead of dead-lettering when retryable failures exhaust the attempts', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[1]!)
    const { id } = await enqueueLock(account, 4)
    const settled = await runUntilSettled(id, relayer({ attester: silentAttester, fallbackAfterMs: Number.POSITIVE_INFINITY, maxAttempts: 3 }))
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    const [fallback] = await fallbackOf(id)
    expect(fallback!.detail).toMatchObject({ fallback: 'layerzero', from: 'wormhole' })
    expect(fallback!.detail.reason).toMatch(/3 attempts failed: attester unavailable/)
    expect(await executions(id)).toHaveLength(1)
  })

  it('dead-letters a command whose fallback transport also fails, after falling back only once, and counts both', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[2]!)
    const labels = { chain: spoke().name }
    const counted = async () => ({
      fallbacks: (await relayerFallbacks.get()).values.find((v) => v.labels.chain === labels.chain && v.labels.from === 'wormhole' && v.labels.to === 'layerzero')?.value ?? 0,
      deadLetters: (await relayerDeadLetters.get()).values.find((v) => v.labels.chain === labels.chain && v.labels.kind === 'Lock')?.value ?? 0,
    })
    const before = await counted()
    const { id } = await enqueueLock(account, 5)
    const lzStalled = withStalledLayerZero(bed.devnet.config, spoke().chainId)
    const settled = await runUntilSettled(id, relayer({ attester: silentAttester, config: lzStalled, fallbackAfterMs: 300, maxAttempts: 3 }))
    expect(settled.state).toBe('dead')
    expect(await fallbackOf(id)).toHaveLength(1)
    expect(await executions(id)).toHaveLength(0)
    const after = await counted()
    expect(after.fallbacks - before.fallbacks).toBe(1)
    expect(after.deadLetters - before.deadLetters).toBe(1)
  })

  it('re-sends a command whose LayerZero verification stalls over Wormhole, and it executes once', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[3]!)
    const { id } = await enqueueLock(account, 6)
    const config = { ...withStalledLayerZero(bed.devnet.config, spoke().chainId), routes: [{ chainId: spoke().chainId, transport: 'layerzero' as TransportName }] }
    const settled = await runUntilSettled(id, relayer({ config }))
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    const [fallback] = await fallbackOf(id)
    expect(fallback!.detail).toMatchObject({ fallback: 'wormhole', from: 'layerzero' })
    expect(await executions(id)).toHaveLength(1)
    expect(await lockOf(account)).toEqual([true, 6])
  })
})

/** `config` with the destination's ReceiveUln302 replaced by its vault (which has no `verify`): every DVN verification reverts. */
function withStalledLayerZero(config: Config, chainId: number): Config {
  return {
    ...config,
    chains: config.chains.map((c) => (c.chainId === chainId && c.layerzero ? { ...c, layerzero: { ...c.layerzero, receiveLib: c.vault } } : c)),
  }
}
