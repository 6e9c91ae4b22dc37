import type { Config } from '@unimargin/chains'
import { LzEndpointV2, LzWorker } from '@unimargin/contracts'
import { commands, testDatabases } from '@unimargin/db'
import { lzReceiveArgs, sentPackets, verifyPacket } from '@unimargin/devnet/testing'
import { encodeCommand, LZ_RECEIVE_GAS, workerDelivery } from '@unimargin/protocol'
import { type Hex, keccak256, parseEventLogs, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { beforeAll, describe, expect, it } from 'vitest'
import { relayerTestbed } from '../testbed.js'

describe.each(testDatabases())('LayerZero delivery watched, not performed, on $kind', ({ open }) => {
  const bed = relayerTestbed(open, { chains: 2, basePort: 24345, routes: { 31338: 'layerzero' } })
  let config: Config
  beforeAll(async () => {
    const spoke = bed.spoke()
    config = { ...bed.devnet.config, chains: bed.devnet.config.chains.map((c) => (c.chainId === spoke.chainId && c.layerzero ? { ...c, layerzero: { ...c.layerzero, delivery: 'watch' } } : c)) }
    // an operator of the receive path's DVN other than the relayer: the "configured DVN and executor"
    const hash = await spoke.walletClient.writeContract({
      address: spoke.addresses.layerzero.worker,
      abi: LzWorker.abi,
      functionName: 'setOperator',
      args: [privateKeyToAddress(bed.devnet.keys.users[5]!), true],
    })
    await spoke.publicClient.waitForTransactionReceipt({ hash })
  })

  /** Inserts a Lock for the spoke's vault, valid for `validFor` seconds of spoke time; returns its id and the outbox row reader. */
  async function enqueueLock(label: string, validFor = 3600n) {
    const spoke = bed.spoke()
    const id = keccak256(toHex(`watch-test-${label}-${Date.now()}`))
    const account = privateKeyToAddress(keccak256(toHex(`watch-test-account-${label}`)))
    const expiry = (await spoke.publicClient.getBlock()).timestamp + validFor
    const payload = encodeCommand({ kind: 'Lock', commandId: id, destChainId: BigInt(spoke.chainId), vault: spoke.addresses.vault, expiry, account, lockEpoch: 9 })
    await bed.database.db.insert(commands).values({ id, kind: 'Lock', account, destChainId: spoke.chainId, vault: spoke.addresses.vault, payload, expiry, cause: 'test' })
    return { id, row: () => bed.row(id) }
  }

  /** A relayer on the watched config and a function that ticks it, mining a block on each chain in between, until `row` is in a state (≤ 20 s). */
  function watchingRelayer(row: () => Promise<{ state: string; lastError: string | null }>) {
    const r = bed.relayer({ config })
    const tickUntil = async (state: string) => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
        await r.tick()
        if ((await row()).state === state) return
        await Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      throw new Error(`command not ${state}: ${JSON.stringify([(await row()).state, (await row()).lastError])}`)
    }
    return { r, tickUntil }
  }

  /** The receive path's "configured DVN and executor": an LzWorker operator other than the relayer. */
  const dvnOf = () => {
    const spoke = bed.spoke()
    return { publicClient: spoke.publicClient, wallet: spoke.wallet(bed.devnet.keys.users[5]!), ...spoke.addresses.layerzero }
  }

  it('records the DVN verification and the executor execution of a packet and sends nothing to its destination', async () => {
    const [hub, spoke] = [bed.hub(), bed.spoke()]
    const relayerAddress = privateKeyToAddress(bed.devnet.keys.relayer)
    const sentOnSpoke = () => spoke.publicClient.getTransactionCount({ address: relayerAddress })
    const before = await sentOnSpoke()
    const { id, row } = await enqueueLock('executed')
    const { r, tickUntil } = watchingRelayer(row)

    await tickUntil('published')
    const [packet] = await sentPackets(hub.publicClient, (await row()).publishTx as Hex)
    // final on the hub, but nobody verified it: the relayer waits and does not verify it itself
    for (let k = 0; k < 4; k++) {
      await Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))
      await r.tick()
    }
    expect((await row()).state).toBe('published')

    const dvn = dvnOf()
    await verifyPacket(dvn, packet!)
    await tickUntil('attested')

    const executorTx = await dvn.wallet.writeContract({ address: dvn.endpoint, abi: LzEndpointV2.abi, functionName: 'lzReceive', args: lzReceiveArgs(packet!, spoke.addresses.vault) })
    await spoke.publicClient.waitForTransactionReceipt({ hash: executorTx })
    await tickUntil('executed')

    expect(await row()).toMatchObject({ state: 'executed', outcome: 'applied', deliverTx: executorTx })
    const transitions = await bed.transitionsOf(id)
    expect(transitions.map((t) => t.toState)).toEqual(['published', 'attested', 'delivered', 'executed'])
    expect(transitions.at(-1)!.detail).toMatchObject({ transport: 'layerzero', tx: executorTx, outcome: 'applied' })
    expect(await sentOnSpoke()).toBe(before)
  })

  it('dead-letters a watched packet whose executor reports that the vault refused it as expired, saying so', async () => {
    const [hub, spoke] = [bed.hub(), bed.spoke()]
    const { row } = await enqueueLock('expired', 120n)
    const { tickUntil } = watchingRelayer(row)
    await tickUntil('published')
    const [packet] = await sentPackets(hub.publicClient, (await row()).publishTx as Hex)
    const dvn = dvnOf()
    await verifyPacket(dvn, packet!)
    await tickUntil('attested')

    // the executor comes too late: its lzReceive fails inside the worker, which reports it with LzReceiveAlert
    await spoke.testClient.increaseTime({ seconds: 600 })
    await bed.devnet.mine(spoke.chainId)
    const executorTx = await dvn.wallet.writeContract({
      address: dvn.worker,
      abi: LzWorker.abi,
      functionName: 'deliver',
      args: [dvn.receiveLib, dvn.endpoint, 2n, [workerDelivery(packet!, LZ_RECEIVE_GAS.Lock)], true, 0n],
      gas: 1_000_000n,
    })
    const receipt = await spoke.publicClient.waitForTransactionReceipt({ hash: executorTx })
    expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'LzReceiveAlert' })).toHaveLength(1)

    await tickUntil('dead')
    expect((await row()).lastError).toMatch(/expired: the vault refused the command \(CommandExpired\)/)
  })
})
