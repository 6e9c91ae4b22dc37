import type { Config } from '@unimargin/chains'
import { MarginHub, MarginVault, MockERC20 } from '@unimargin/contracts'
import { commands, testDatabases } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import { signTestVaa } from '@unimargin/devnet/testing'
import { encodeCommand } from '@unimargin/protocol'
import { type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { HELD_REASON } from './dual.js'
import type { Relayer } from './relayer.js'
import { relayerTestbed } from './testbed.js'

/** Ports of this file's devnet. */
const BASE_PORT = 31520
/** The devnet vaults' USDC threshold: 50 000 USD at 1 USD, base units. */
const THRESHOLD = 50_000n * 10n ** 6n

describe.each(testDatabases())('two transports above a size, relayed on $kind', ({ open }) => {
  const bed = relayerTestbed(open, { chains: 2, basePort: BASE_PORT })
  let ids = 0
  const { spoke, hub, row, transitionsOf } = bed

  /** User `i` deposits and requests `amount` USDC on the spoke; the hub's approval of it is enqueued. */
  async function enqueueApproval(i: number, amount: bigint, options: { insert?: boolean; state?: 'pending' | 'failed'; attempts?: number } = {}) {
    const key = bed.devnet.keys.users[i]! as Hex
    const account = privateKeyToAddress(key)
    await userDeposit(bed.devnet, { chainId: spoke().chainId, key, symbol: 'USDC', amount })
    const { requestId } = await userRequestWithdrawal(bed.devnet, { chainId: spoke().chainId, key, symbol: 'USDC', amount })
    const id = keccak256(toHex(`relayer-dual-test-${Date.now()}-${ids++}`))
    const expiry = (await spoke().publicClient.getBlock()).timestamp + 3600n
    const payload = encodeCommand({ kind: 'ApproveWithdrawal', commandId: id, destChainId: BigInt(spoke().chainId), vault: spoke().addresses.vault, expiry, account, requestId, lockEpoch: 0 })
    if (options.insert !== false)
      await bed.database.db.insert(commands).values({ id, kind: 'ApproveWithdrawal', account, destChainId: spoke().chainId, vault: spoke().addresses.vault, payload, expiry, cause: 'test', state: options.state, attempts: options.attempts })
    return { id: id as Hex, account, requestId, expiry, payload }
  }

  /** Ticks `r`, mining a block on every chain in between, until the command is executed or dead (≤ 30 s). */
  async function runUntilSettled(id: string, r: Relayer) {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await r.tick()
      const x = await row(id)
      if (x.state === 'executed' || x.state === 'dead') return x
      await Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error(`command ${id} did not settle: ${JSON.stringify([(await row(id)).state, (await row(id)).lastError])}`)
  }

  const events = (commandId: Hex, eventName: 'CommandExecuted' | 'CommandAwaitingSecondTransport') =>
    spoke().publicClient.getContractEvents({ address: spoke().addresses.vault, abi: MarginVault.abi, eventName, args: { commandId }, fromBlock: 0n })
  const published = async (commandId: Hex) => {
    const read = (eventName: 'CommandPublished' | 'CommandSentLz') =>
      hub().publicClient.getContractEvents({ address: bed.devnet.hub.address, abi: MarginHub.abi, eventName, args: { commandId }, fromBlock: 0n })
    return { wormhole: (await read('CommandPublished')).length, layerzero: (await read('CommandSentLz')).length }
  }
  const usdcOf = (account: Hex) => spoke().publicClient.readContract({ address: spoke().addresses.tokens.USDC, abi: MockERC20.abi, functionName: 'balanceOf', args: [account] })
  const withRoute = (transport: 'wormhole' | 'layerzero'): Config => ({ ...bed.devnet.config, routes: [{ chainId: spoke().chainId, transport }] })

  it('deploys the vault thresholds the config names: 50 000 USD of each asset at the devnet prices', async () => {
    expect(spoke().chainId && bed.devnet.config.chains.map((c) => c.dualTransportAboveUsd)).toEqual([50_000, 50_000])
    const threshold = (symbol: 'USDC' | 'ETH' | 'BTC') =>
      spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'dualTransportThreshold', args: [spoke().addresses.tokens[symbol]] })
    expect([await threshold('USDC'), await threshold('ETH'), await threshold('BTC')]).toEqual([THRESHOLD, 3125n * 10n ** 16n, 238_095_238n])
  })

  it.each(['wormhole', 'layerzero'] as const)('carries an approval at the threshold on a %s route over both transports from the start, and records it executed once', async (route) => {
    const { id, account } = await enqueueApproval(route === 'wormhole' ? 0 : 1, THRESHOLD)
    const before = await usdcOf(account)
    // a short stall timer: the held first delivery must not count as a stall to fall back from
    const settled = await runUntilSettled(id, bed.relayer({ config: withRoute(route), fallbackAfterMs: 500 }))
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })

    const transitions = await transitionsOf(id)
    const path = transitions.map((t) => `${t.toState}${t.detail.held ? ' (held)' : t.detail.dual ? ' (both)' : t.detail.companion ? ' (from the start)' : ''}`)
    expect(path).toEqual(['pending (both)', 'published', 'attested', 'delivered (held)', 'pending (held)', 'published (from the start)', 'attested', 'delivered', 'executed'])
    // the Wormhole message went out with the plan, before the LayerZero packet
    const plan = transitions[0]!.detail.dual as { first: string; companion: { transport: string; tx: string } }
    expect(plan).toMatchObject({ first: 'layerzero', companion: { transport: 'wormhole' } })
    expect(transitions[1]!.detail).toMatchObject({ transport: 'layerzero' })
    expect(transitions[3]!.detail).toMatchObject({ transport: 'layerzero', held: true })
    expect(transitions[4]!.detail).toMatchObject({ fallback: 'wormhole', from: 'layerzero', reason: HELD_REASON })
    expect(transitions[5]!.detail).toMatchObject({ transport: 'wormhole', tx: plan.companion.tx })
    expect(transitions.at(-1)!.detail).toMatchObject({ transport: 'wormhole', outcome: 'applied' })

    // published once over each transport, held once, executed once, paid once
    expect(await published(id)).toEqual({ wormhole: 1, layerzero: 1 })
    expect(await events(id, 'CommandAwaitingSecondTransport')).toHaveLength(1)
    expect(await events(id, 'CommandExecuted')).toHaveLength(1)
    expect(await usdcOf(account)).toBe(before + THRESHOLD)
  })

  it('sends a command the vault held over the other transport when it was not planned over both (a publish failed before the plan)', async () => {
    const { id } = await enqueueApproval(2, THRESHOLD, { state: 'failed', attempts: 1 })
    const settled = await runUntilSettled(id, bed.relayer({ fallbackAfterMs: 500 }))
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    const transitions = await transitionsOf(id)
    expect(transitions.map((t) => `${t.toState}${t.detail.held ? ' (held)' : ''}`)).toEqual(['published', 'attested', 'delivered (held)', 'pending (held)', 'published', 'attested', 'delivered', 'executed'])
    expect(transitions[2]!.detail).toMatchObject({ transport: 'wormhole' })
    expect(transitions.at(-1)!.detail).toMatchObject({ transport: 'layerzero' })
    expect(await published(id)).toEqual({ wormhole: 1, layerzero: 1 })
    expect(await events(id, 'CommandExecuted')).toHaveLength(1)
  })

  it('carries an approval below the threshold over its route alone, executed at the first arrival', async () => {
    const { id } = await enqueueApproval(5, THRESHOLD - 1n)
    const settled = await runUntilSettled(id, bed.relayer())
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    expect((await transitionsOf(id)).map((t) => t.toState)).toEqual(['published', 'attested', 'delivered', 'executed'])
    expect(await published(id)).toEqual({ wormhole: 1, layerzero: 0 })
    expect(await events(id, 'CommandAwaitingSecondTransport')).toHaveLength(0)
  })

  it('dead-letters a held command whose route has no other transport, since the vault can never execute it', async () => {
    const { id } = await enqueueApproval(3, THRESHOLD)
    const config = { ...bed.devnet.config, chains: bed.devnet.config.chains.map((c) => (c.chainId === spoke().chainId ? { ...c, layerzero: undefined } : c)) }
    const settled = await runUntilSettled(id, bed.relayer({ config }))
    expect(settled.state).toBe('dead')
    expect(settled.lastError).toMatch(/no other transport/)
    expect(await events(id, 'CommandExecuted')).toHaveLength(0)
  })

  it('dead-letters a command the vault froze because another payload arrived first under its id, and nothing is paid', async () => {
    const key = bed.devnet.keys.users[4]! as Hex
    const { id, account, requestId, expiry, payload } = await enqueueApproval(4, THRESHOLD, { insert: false })
    // a forged copy under the same command id (another recipient's request would do as well: here a later expiry)
    // reaches the vault first over Wormhole and is held
    const forged = encodeCommand({ kind: 'ApproveWithdrawal', commandId: id, destChainId: BigInt(spoke().chainId), vault: spoke().addresses.vault, expiry: expiry + 60n, account, requestId, lockEpoch: 0 })
    const vaa = await signTestVaa({ guardianKeys: bed.devnet.keys.guardians, emitterChain: bed.devnet.hub.wormholeChainId, emitterAddress: bed.devnet.hub.address, sequence: 1_000_000n, payload: forged })
    const hash = await spoke().wallet(key).writeContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [vaa] })
    expect((await spoke().publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    await bed.database.db.insert(commands).values({ id, kind: 'ApproveWithdrawal', account, destChainId: spoke().chainId, vault: spoke().addresses.vault, payload, expiry, cause: 'test' })
    const before = await usdcOf(account)

    // the genuine packet is the other transport's copy, with another payload than the held one: the vault freezes the
    // id, and the genuine Wormhole message (published with the plan) is never needed
    const settled = await runUntilSettled(id, bed.relayer())
    expect(settled.state).toBe('dead')
    expect(settled.lastError).toMatch(/froze/)
    const held = await spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'heldCommand', args: [id] })
    expect(held.frozen).toBe(true)
    expect(await events(id, 'CommandExecuted')).toHaveLength(0)
    expect(await usdcOf(account)).toBe(before)
  })
})
