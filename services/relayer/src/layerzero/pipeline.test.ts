import { LzEndpointV2, LzWorker, MarginVault, MockERC20 } from '@unimargin/contracts'
import { commands, testDatabases } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import { type Command, encodeCommand } from '@unimargin/protocol'
import { type Address, decodeFunctionData, type Hash, type Hex, keccak256, parseEventLogs, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import type { CreateRelayerParameters, Relayer } from '../relayer.js'
import { relayerTestbed } from '../testbed.js'

type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> : never) : never

describe.each(testDatabases())('pipelined LayerZero deliveries on $kind', ({ open }) => {
  const bed = relayerTestbed(open, { chains: 2, basePort: 24045, routes: { 31338: 'layerzero' } })
  let ids = 0

  const { hub, spoke } = bed
  const relayer = (deliveryPacketGas?: CreateRelayerParameters['deliveryPacketGas']) => bed.relayer({ maxAttempts: 50, deliveryPacketGas })
  const now = async () => (await spoke().publicClient.getBlock()).timestamp
  const { row } = bed
  const lockOf = (account: Address) => spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })
  const lockAccount = (label: string) => privateKeyToAddress(keccak256(toHex(`lz-pipeline-${label}`)))

  async function enqueue(body: CommandBody) {
    const id = keccak256(toHex(`relayer-lz-pipeline-test-${Date.now()}-${ids++}`))
    const c = spoke()
    const expiry = (await now()) + 3600n
    const payload = encodeCommand({ ...body, commandId: id, destChainId: BigInt(c.chainId), vault: c.addresses.vault, expiry } as Command)
    await bed.database.db.insert(commands).values({ id, kind: body.kind, account: body.account, destChainId: c.chainId, vault: c.addresses.vault, payload, expiry, cause: 'test' })
    return id
  }

  /** Ticks `r`, mining only the hub in between, until every command of `idsToWatch` is published; then makes them all final. */
  async function publishFinal(r: Relayer, idsToWatch: string[]) {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await r.tick()
      if ((await Promise.all(idsToWatch.map(row))).every((x) => x.state === 'published')) {
        await bed.devnet.mine(hub().chainId, bed.devnet.config.chains[0]!.confirmations + 1)
        // the relayer reads the hub head from a cache up to two announced blocks old: let it see them all final
        await new Promise((resolve) => setTimeout(resolve, 2 * bed.devnet.config.chains[0]!.blockTimeMs + 100))
        return
      }
      await bed.devnet.mine(hub().chainId)
    }
    throw new Error(`commands were not published: ${JSON.stringify((await Promise.all(idsToWatch.map(row))).map((x) => x.state))}`)
  }

  /**
   * Ticks `r` until the spoke's mempool holds `count` transactions (mining on it is stopped): a tick may find the
   * hub block not final yet by its cached head and reschedule.
   * @returns the tick that sent the last one, still waiting for its receipt (wrapped: an async function would await it).
   */
  async function tickUntilPending(r: Relayer, count: number): Promise<{ step: Promise<number> }> {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      let done = false
      const step = r.tick().finally(() => {
        done = true
      })
      for (;;) {
        if ((await spoke().testClient.getTxpoolStatus()).pending >= count) return { step }
        if (done) break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      await step
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`the spoke's mempool never held ${count} transactions`)
  }

  /** Runs `r` until the commands are executed or dead, mining every chain in between. */
  async function settle(r: Relayer, idsToWatch: string[]) {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await r.tick()
      const rows = await Promise.all(idsToWatch.map(row))
      if (rows.every((x) => x.state === 'executed' || x.state === 'dead')) return rows
      await Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))
    }
    throw new Error(`commands did not settle: ${JSON.stringify((await Promise.all(idsToWatch.map(row))).map((x) => [x.state, x.lastError]))}`)
  }

  /** `LzWorker.deliver` transactions of the spoke's block `blockNumber`, in block order, with their decoded arguments. */
  async function deliveriesIn(blockNumber: bigint) {
    const block = await spoke().publicClient.getBlock({ blockNumber, includeTransactions: true })
    return block.transactions
      .filter((tx) => tx.to?.toLowerCase() === spoke().addresses.layerzero.worker.toLowerCase())
      .map((tx) => {
        const { args } = decodeFunctionData({ abi: LzWorker.abi, data: tx.input })
        const [, , , packets, , afterNonce] = args as readonly [Address, Address, bigint, readonly { origin: { nonce: bigint } }[], boolean, bigint]
        return { hash: tx.hash as Hash, nonces: packets.map((d) => d.origin.nonce), afterNonce }
      })
  }

  /** Every CommandExecuted of `idsToWatch` on the spoke, in chain order. */
  async function executionsOf(idsToWatch: string[]) {
    const logs = await spoke().publicClient.getContractEvents({
      address: spoke().addresses.vault,
      abi: MarginVault.abi,
      eventName: 'CommandExecuted',
      args: { commandId: idsToWatch as Hex[] },
      fromBlock: spoke().startBlock,
    })
    return logs.sort((a, b) => Number(a.blockNumber - b.blockNumber) || a.logIndex - b.logIndex).map((l) => l.args.commandId!.toLowerCase())
  }

  /**
   * Delivers the published group `first` with mining on the spoke stopped; while that delivery waits for its block,
   * enqueues (`enqueueSecond`), publishes and delivers a second group; mines one spoke block holding both deliveries
   * and waits for both steps.
   * @returns the second group's ids and the spoke block that holds both deliveries.
   */
  async function pipelined(r: Relayer, first: string[], enqueueSecond: () => Promise<string[]>) {
    await publishFinal(r, first)
    await spoke().testClient.setAutomine(false)
    try {
      const { step: firstStep } = await tickUntilPending(r, 1)
      const second = await enqueueSecond()
      await publishFinal(r, second)
      const { step: secondStep } = await tickUntilPending(r, 2)
      await bed.devnet.mine(spoke().chainId)
      await Promise.all([firstStep, secondStep])
      return { second, block: (await spoke().publicClient.getBlock()).number }
    } finally {
      await spoke().testClient.setAutomine(true)
    }
  }

  const locks = (labels: string[]) => Promise.all(labels.map((l) => enqueue({ kind: 'Lock', account: lockAccount(l), lockEpoch: 1 })))

  it('sends the next delivery to a chain while the one before waits for its block, guarded by its last nonce, and executes every packet once in nonce order', async () => {
    const r = relayer()
    const first = await locks(['a0', 'a1'])
    const { second, block } = await pipelined(r, first, () => locks(['b0', 'b1']))

    const rows = await settle(r, [...first, ...second])
    expect(rows.map((x) => [x.state, x.outcome])).toEqual(rows.map(() => ['executed', 'applied']))
    const byNonce = [...rows].sort((a, b) => Number(a.sequence! - b.sequence!))
    expect(byNonce.slice(0, 2).map((x) => x.id).sort()).toEqual([...first].sort())
    // both deliveries went into one block: the second was sent before the first was mined, guarded by its last nonce
    const deliveries = await deliveriesIn(block)
    expect(deliveries.map((d) => d.nonces)).toEqual([byNonce.slice(0, 2).map((x) => x.sequence), byNonce.slice(2).map((x) => x.sequence)])
    expect(deliveries.map((d) => d.afterNonce)).toEqual([0n, byNonce[1]!.sequence])
    expect(new Set(rows.map((x) => x.deliverTx))).toEqual(new Set(deliveries.map((d) => d.hash)))
    expect(await executionsOf(rows.map((x) => x.id))).toEqual(byNonce.map((x) => x.id.toLowerCase()))
    for (const l of ['a0', 'a1', 'b0', 'b1']) expect(await lockOf(lockAccount(l))).toEqual([true, 1])
  })

  it('sends every gas-capped delivery of a step at once, each guarded by the last nonce of the one before', async () => {
    const r = relayer()
    // over half a block's gas of Locks: more than one transaction of the step
    const labels = Array.from({ length: 100 }, (_, i) => `c${i}`)
    const all = await locks(labels)
    await publishFinal(r, all)
    const rows = await settle(r, all)
    expect(rows.every((x) => x.state === 'executed')).toBe(true)
    const byNonce = [...rows].sort((a, b) => Number(a.sequence! - b.sequence!))
    const txs = [...new Set(byNonce.map((x) => x.deliverTx!))]
    expect(txs.length).toBeGreaterThan(1)
    const sent = await Promise.all(
      txs.map(async (hash) => {
        const tx = await spoke().publicClient.getTransaction({ hash: hash as Hash })
        const [, , , packets, , afterNonce] = decodeFunctionData({ abi: LzWorker.abi, data: tx.input }).args as readonly [Address, Address, bigint, readonly { origin: { nonce: bigint } }[], boolean, bigint]
        return { nonces: packets.map((p) => p.origin.nonce), afterNonce, nonce: tx.nonce }
      }),
    )
    // one step: sent back to back from consecutive account nonces, each chunk guarded by its predecessor's last nonce
    expect(sent.map((t) => t.nonce - sent[0]!.nonce)).toEqual(sent.map((_, k) => k))
    expect(sent.map((t) => t.afterNonce)).toEqual([0n, ...sent.slice(0, -1).map((t) => t.nonces.at(-1)!)])
    expect(sent.flatMap((t) => t.nonces)).toEqual(byNonce.map((x) => x.sequence))
    expect(await executionsOf(all)).toEqual(byNonce.map((x) => x.id.toLowerCase()))
  })

  it('delivers the packets a delivery ran short of gas for in later transactions, none run short and no attempt counted', async () => {
    // a quarter of what a Lock takes: each delivery has room for two or three packets besides its padding
    const r = relayer({ Lock: 30_000n })
    const all = await locks(Array.from({ length: 10 }, (_, i) => `g${i}`))
    await publishFinal(r, all)
    const rows = await settle(r, all)
    expect(rows.map((x) => [x.state, x.outcome, x.attempts])).toEqual(rows.map(() => ['executed', 'applied', 0]))
    const byNonce = [...rows].sort((a, b) => Number(a.sequence! - b.sequence!))
    expect(await executionsOf(all)).toEqual(byNonce.map((x) => x.id.toLowerCase()))
    const receipts = await Promise.all([...new Set(rows.map((x) => x.deliverTx as Hash))].map((hash) => spoke().publicClient.getTransactionReceipt({ hash })))
    expect(receipts.length).toBeGreaterThan(2)
    const events = receipts.flatMap((rc) => parseEventLogs({ abi: LzWorker.abi, logs: rc.logs }).map((e) => e.eventName))
    expect(events).toContain('GasHeld')
    expect(receipts.flatMap((rc) => parseEventLogs({ abi: LzEndpointV2.abi, logs: rc.logs, eventName: 'LzReceiveAlert' }))).toEqual([])
  })

  it('holds a pipelined delivery when the packet before it fails its lzReceive, and completes it after that packet\'s retry', async () => {
    const key = bed.devnet.keys.users[2]!
    const account = privateKeyToAddress(key)
    const c = spoke()
    await userDeposit(bed.devnet, { chainId: c.chainId, key, symbol: 'USDC', amount: 1_000n })
    const { requestId } = await userRequestWithdrawal(bed.devnet, { chainId: c.chainId, key, symbol: 'USDC', amount: 300n })
    const usdc = c.addresses.tokens.USDC
    const blockTransfers = async (blocked: boolean) => {
      const hash = await c.wallet(key).writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'setTransfersBlocked', args: [blocked] })
      await c.publicClient.waitForTransactionReceipt({ hash })
    }
    await blockTransfers(true)
    const r = relayer()
    const approve = await enqueue({ kind: 'ApproveWithdrawal', account, requestId, lockEpoch: 0 })
    const { second, block } = await pipelined(r, [approve], () => locks(['f0']))
    const [lock] = second

    // the approval's transfer reverted in the vault: it failed, and the worker held the lock behind it
    const deliveries = await deliveriesIn(block)
    const approveNonce = (await row(approve)).sequence!
    expect(deliveries.map((d) => d.afterNonce)).toEqual([0n, approveNonce])
    expect((await row(approve)).state).toBe('failed')
    expect((await row(lock!)).state).toBe('published')
    const held = await c.publicClient.getContractEvents({ address: c.addresses.layerzero.worker, abi: LzWorker.abi, eventName: 'ExecutionHeld', fromBlock: block, toBlock: block })
    expect(held.map((e) => [e.transactionHash, e.args.afterNonce])).toEqual([[deliveries[1]!.hash, approveNonce]])
    expect(await executionsOf([approve, lock!])).toEqual([])

    await blockTransfers(false)
    const rows = await settle(r, [approve, lock!])
    expect(rows.map((x) => [x.state, x.outcome])).toEqual([
      ['executed', 'applied'],
      ['executed', 'applied'],
    ])
    expect(rows[1]!.sequence).toBe(approveNonce + 1n)
    expect(await executionsOf([approve, lock!])).toEqual([approve.toLowerCase(), lock!.toLowerCase()])
    expect(await lockOf(lockAccount('f0'))).toEqual([true, 1])
    // a held packet is not a failure: the lock never counted an attempt
    expect((await row(lock!)).attempts).toBe(0)
  })
})
