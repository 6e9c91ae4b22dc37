import { MarginHub, MarginVault } from '@unimargin/contracts'
import { commands, commandTransitions, eq, testDatabases } from '@unimargin/db'
import { coSign, signPublishedMessages } from '@unimargin/devnet/testing'
import { encodeCommand } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, parseEventLogs, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { relayerTestbed } from './testbed.js'

describe.each(testDatabases())('relayer on $kind', ({ open }) => {
  const bed = relayerTestbed(open, { chains: 2, basePort: 21545 })
  let ids = 0

  const { spoke } = bed
  const relayer = () => bed.relayer()
  const now = async () => (await spoke().publicClient.getBlock()).timestamp

  async function enqueueLock(account: Address, lockEpoch: number, options: { expiry?: bigint; attempts?: number } = {}) {
    const id = keccak256(toHex(`relayer-test-${Date.now()}-${ids++}`))
    const expiry = options.expiry ?? (await now()) + 3600n
    const payload = encodeCommand({ kind: 'Lock', commandId: id, destChainId: BigInt(spoke().chainId), vault: spoke().addresses.vault, expiry, account, lockEpoch })
    await bed.database.db.insert(commands).values({
      id,
      kind: 'Lock',
      account,
      destChainId: spoke().chainId,
      vault: spoke().addresses.vault,
      payload,
      expiry,
      cause: 'test',
      attempts: options.attempts ?? 0,
    })
    return { id, payload }
  }

  /** Ticks the relayer, mining a block on every chain in between, until the command settles. */
  async function runUntilSettled(id: Hex, r = relayer()) {
    // bounded by time, not ticks: the relayer reschedules a command waiting for finality by the chain's announced pace
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await r.tick()
      const [row] = await bed.database.db.select().from(commands).where(eq(commands.id, id))
      if (row && (row.state === 'executed' || row.state === 'dead')) return row
      await Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error(`command ${id} did not settle`)
  }
  const lockOf = (account: Address) =>
    spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })

  it('carries a command from the outbox to a vault on another chain and records every transition', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[0]!)
    const { id } = await enqueueLock(account, 100 + ids)
    const row = await runUntilSettled(id)
    expect(row.state).toBe('executed')
    expect(row.outcome).toBe('applied')
    expect(row.publishTx).toMatch(/^0x/)
    expect(row.deliverTx).toMatch(/^0x/)
    expect((await lockOf(account))[0]).toBe(true)
    const transitions = await bed.database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id))
    expect(transitions.map((t) => t.toState)).toEqual(['published', 'attested', 'delivered', 'executed'])
  })

  it('reuses a message an earlier attempt published instead of publishing it again', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[1]!)
    const { id, payload } = await enqueueLock(account, 200 + ids, { attempts: 1 })
    // the earlier attempt: published, then the relayer died before recording it
    const hub = bed.hub()
    const hash = await hub.wallet(bed.devnet.keys.relayer).writeContract({ address: bed.devnet.hub.address, abi: MarginHub.abi, functionName: 'publish', args: [payload, await coSign(bed.devnet, payload)] })
    await hub.publicClient.waitForTransactionReceipt({ hash })

    const row = await runUntilSettled(id)
    expect(row.state).toBe('executed')
    expect(row.publishTx).toBe(hash)
    const published = await hub.publicClient.getContractEvents({
      address: bed.devnet.hub.address,
      abi: MarginHub.abi,
      eventName: 'CommandPublished',
      args: { commandId: id },
      fromBlock: 0n,
    })
    expect(published).toHaveLength(1)
  })

  it('dead-letters a command that expired before delivery, with the reason', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[2]!)
    const { id } = await enqueueLock(account, 300 + ids, { expiry: (await now()) - 1n })
    const row = await runUntilSettled(id)
    expect(row.state).toBe('dead')
    expect(row.lastError).toMatch(/expired/)
    expect(row.publishTx).toBeNull()
    expect((await lockOf(account))[0]).toBe(false)
  })

  it('confirms a command another delivery already executed instead of failing it', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[3]!)
    const { id } = await enqueueLock(account, 400 + ids)
    const r = relayer()
    // advance to published, then sign the message as the guardians would and deliver it out of band
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await r.tick()
      const [row] = await bed.database.db.select().from(commands).where(eq(commands.id, id))
      if (row?.publishTx) {
        const hub = bed.hub()
        const [message] = await signPublishedMessages({
          publicClient: hub.publicClient,
          txHash: row.publishTx as Hex,
          wormhole: hub.addresses.wormhole,
          emitterChain: hub.wormholeChainId,
          guardianKeys: bed.devnet.keys.guardians,
        })
        const hash = await spoke().wallet(bed.devnet.keys.users[3]! as Hex).writeContract({
          address: spoke().addresses.vault,
          abi: MarginVault.abi,
          functionName: 'executeCommand',
          args: [message!.vaa],
        })
        const receipt = await spoke().publicClient.waitForTransactionReceipt({ hash })
        expect(parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandExecuted' })).toHaveLength(1)
        break
      }
      await Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const row = await runUntilSettled(id, r)
    expect(row.state).toBe('executed')
    expect(row.outcome).toBe('applied')
  })
})
