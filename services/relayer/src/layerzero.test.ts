import { LzEndpointV2, LzWorker, MarginHub, MarginVault, MockERC20 } from '@unimargin/contracts'
import { commands, testDatabases } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import { coSign, signPublishedMessages } from '@unimargin/devnet/testing'
import { type Command, commandOptions, encodeCommand } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { relayerTestbed } from './testbed.js'

type CommandBody = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> : never) : never

describe.each(testDatabases())('relayer over LayerZero on $kind', ({ open }) => {
  const bed = relayerTestbed(open, { chains: 2, basePort: 21645, routes: { 31338: 'layerzero' } })
  let ids = 0

  const { hub, spoke } = bed
  const relayer = (maxAttempts = 3) => bed.relayer({ maxAttempts })
  const now = async () => (await spoke().publicClient.getBlock()).timestamp
  const { row, transitionsOf } = bed
  const mineAll = () => Promise.all(bed.devnet.chains.map((c) => bed.devnet.mine(c.chainId)))

  async function enqueue(body: CommandBody) {
    const id = keccak256(toHex(`relayer-lz-test-${Date.now()}-${ids++}`))
    const c = spoke()
    const payload = encodeCommand({ ...body, commandId: id, destChainId: BigInt(c.chainId), vault: c.addresses.vault, expiry: (await now()) + 3600n } as Command)
    await bed.database.db.insert(commands).values({ id, kind: body.kind, account: body.account, destChainId: c.chainId, vault: c.addresses.vault, payload, expiry: (await now()) + 3600n, cause: 'test' })
    return { id, payload }
  }

  /** Ticks the relayer, mining a block on every chain in between, until `done` holds for the commands' rows. */
  async function runUntil(idsToWatch: string[], r = relayer(), done: (state: string) => boolean = (state) => state === 'executed' || state === 'dead') {
    // bounded by time, not ticks: the relayer reschedules a command waiting for finality by the chain's announced pace
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await r.tick()
      const rows = await Promise.all(idsToWatch.map(row))
      if (rows.every((x) => done(x.state))) return rows
      await mineAll()
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    throw new Error(`commands did not settle: ${JSON.stringify((await Promise.all(idsToWatch.map(row))).map((x) => [x.state, x.lastError]))}`)
  }

  const lockOf = (account: Address) => spoke().publicClient.readContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })
  const executions = (commandId: Hex) =>
    spoke().publicClient.getContractEvents({ address: spoke().addresses.vault, abi: MarginVault.abi, eventName: 'CommandExecuted', args: { commandId }, fromBlock: 0n })

  it('carries a command over LayerZero to a vault on another chain and records every transition with its hashes', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[0]!)
    const { id } = await enqueue({ kind: 'Lock', account, lockEpoch: 1 })
    const [settled] = await runUntil([id])
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied', vaa: null })
    expect(settled!.publishTx).toMatch(/^0x/)
    expect(settled!.deliverTx).toMatch(/^0x/)
    expect(await lockOf(account)).toEqual([true, 1])

    const transitions = await transitionsOf(id)
    expect(transitions.map((t) => t.toState)).toEqual(['published', 'attested', 'delivered', 'executed'])
    const [published, attested, delivered] = transitions.map((t) => t.detail as Record<string, string>)
    expect(published).toMatchObject({ transport: 'layerzero', tx: settled!.publishTx, dst_eid: spoke().addresses.layerzero.eid, fee: String(2n * 10n ** 12n) })
    expect(BigInt(published!.nonce!)).toBe(settled!.sequence)
    expect(attested!.verify_tx).toMatch(/^0x/)
    expect(attested!.commit_tx).toMatch(/^0x/)
    expect(delivered!.tx).toBe(settled!.deliverTx)
    const [event] = await executions(id as Hex)
    expect(event?.args.vmHash).toBe(published!.guid)
    expect(event?.transactionHash).toBe(settled!.deliverTx)
  })

  it('quotes the fee when it sends, so a changed fee is paid in full', async () => {
    const worker = spoke().addresses.layerzero.worker
    const owner = hub().wallet(bed.devnet.keys.deployer)
    const setFees = async (executor: bigint, dvn: bigint) => {
      const hash = await owner.writeContract({ address: hub().addresses.layerzero.worker, abi: LzWorker.abi, functionName: 'setFees', args: [executor, dvn] })
      await hub().publicClient.waitForTransactionReceipt({ hash })
    }
    expect(worker).toBe(hub().addresses.layerzero.worker)
    await setFees(5n * 10n ** 12n, 3n * 10n ** 12n)
    try {
      const { id } = await enqueue({ kind: 'Lock', account: privateKeyToAddress(bed.devnet.keys.users[1]!), lockEpoch: 1 })
      await runUntil([id])
      const [published] = await transitionsOf(id)
      expect((published!.detail as Record<string, string>).fee).toBe(String(8n * 10n ** 12n))
    } finally {
      await setFees(10n ** 12n, 10n ** 12n)
    }
  })

  it('leaves a packet verified when the vault reverts and retries lzReceive until it executes, holding later nonces back', async () => {
    const key = bed.devnet.keys.users[2]!
    const account = privateKeyToAddress(key)
    const c = spoke()
    await userDeposit(bed.devnet, { chainId: c.chainId, key, symbol: 'USDC', amount: 1_000n })
    const { requestId } = await userRequestWithdrawal(bed.devnet, { chainId: c.chainId, key, symbol: 'USDC', amount: 300n })
    const usdc = c.addresses.tokens.USDC
    const block = async (blocked: boolean) => {
      const hash = await c.wallet(key).writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'setTransfersBlocked', args: [blocked] })
      await c.publicClient.waitForTransactionReceipt({ hash })
    }
    await block(true)
    const approve = await enqueue({ kind: 'ApproveWithdrawal', account, requestId, lockEpoch: 0 })
    const r = relayer(50)
    // the approval gets a nonce before the two locks sent after it
    await runUntil([approve.id], r, (s) => s === 'attested' || s === 'failed')
    // two locks of other accounts, published in the same tick (so in either order)
    const lockAccounts = ['a', 'b'].map((x) => privateKeyToAddress(keccak256(toHex(`lz-retry-lock-${x}`))))
    const locks = await Promise.all(lockAccounts.map((a) => enqueue({ kind: 'Lock', account: a, lockEpoch: 1 })))
    await runUntil([approve.id], r, (s) => s === 'failed')
    const failing = await row(approve.id)
    // the token's own error is unknown to the relayer; the vault's revert comes through lzReceive
    expect(failing.lastError).toMatch(/lzReceive reverted/)
    // the packet is still verified on the endpoint, and the later packets wait behind it
    const [published] = await transitionsOf(approve.id)
    const nonce = BigInt((published!.detail as Record<string, string>).nonce!)
    const pendingHash = await c.publicClient.readContract({
      address: c.addresses.layerzero.endpoint,
      abi: LzEndpointV2.abi,
      functionName: 'inboundPayloadHash',
      args: [c.addresses.vault, bed.devnet.hub.eid, `0x${bed.devnet.hub.address.slice(2).padStart(64, '0').toLowerCase()}`, nonce],
    })
    expect(pendingHash).not.toBe(`0x${'00'.repeat(32)}`)
    for (let i = 0; i < 10; i++) {
      await r.tick()
      await mineAll()
    }
    for (const l of locks) expect(['published', 'attested']).toContain((await row(l.id)).state)
    expect((await row(approve.id)).state).toBe('failed')

    await block(false)
    const rows = await runUntil([approve.id, ...locks.map((l) => l.id)], r)
    expect(rows.map((x) => [x.state, x.outcome])).toEqual([
      ['executed', 'applied'],
      ['executed', 'applied'],
      ['executed', 'applied'],
    ])
    expect(await c.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [account] })).toBe(300n)
    expect((await transitionsOf(approve.id)).map((t) => t.toState)).toContain('failed')
    // delivered in nonce order: the vault executed them in the order of their nonces on the path
    expect(rows[0]!.sequence).toBe(nonce)
    const byNonce = [...rows].sort((a, b) => Number(a.sequence! - b.sequence!))
    expect(byNonce.map((x) => x.sequence)).toEqual([nonce, nonce + 1n, nonce + 2n])
    const events = await Promise.all(byNonce.map(async (x) => (await executions(x.id as Hex))[0]!))
    const order = events.map((e) => Number(e.blockNumber) * 1000 + e.logIndex)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    for (const a of lockAccounts) expect(await lockOf(a)).toEqual([true, 1])
  })

  it('dead-letters a packet that expired before delivery and does not let it hold later nonces back', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[3]!)
    const id = keccak256(toHex(`relayer-lz-test-expiring-${Date.now()}`))
    const c = spoke()
    const expiry = (await now()) + 30n
    const payload = encodeCommand({ kind: 'Lock', commandId: id, destChainId: BigInt(c.chainId), vault: c.addresses.vault, expiry, account, lockEpoch: 40 })
    await bed.database.db.insert(commands).values({ id, kind: 'Lock', account, destChainId: c.chainId, vault: c.addresses.vault, payload, expiry, cause: 'test' })
    const r = relayer()
    await runUntil([id], r, (s) => s === 'published')
    await c.testClient.increaseTime({ seconds: 60 })
    await bed.devnet.mine(c.chainId)
    const later = await enqueue({ kind: 'Lock', account, lockEpoch: 41 })
    const [expired, executed] = await runUntil([id, later.id], r)
    expect(expired).toMatchObject({ state: 'dead' })
    expect(expired!.lastError).toMatch(/expired/)
    expect(executed).toMatchObject({ state: 'executed', outcome: 'applied' })
    expect(executed!.sequence).toBe(expired!.sequence! + 1n)
    expect(await lockOf(account)).toEqual([true, 41])
  })

  it('verifies an earlier packet on the path that nobody verified, so a later one can execute', async () => {
    // a packet sent outside the outbox (e.g. by a relayer whose database was lost) and never verified
    const stray = encodeCommand({
      kind: 'Lock',
      commandId: keccak256(toHex(`stray-${Date.now()}`)),
      destChainId: BigInt(spoke().chainId),
      vault: spoke().addresses.vault,
      expiry: (await now()) + 3600n,
      account: privateKeyToAddress(bed.devnet.keys.users[0]!),
      lockEpoch: 7,
    })
    const options = commandOptions('Lock')
    const args = [spoke().addresses.layerzero.eid, stray, options] as const
    const fee = await hub().publicClient.readContract({ address: bed.devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args })
    const hash = await hub().wallet(bed.devnet.keys.relayer).writeContract({ address: bed.devnet.hub.address, abi: MarginHub.abi, functionName: 'publishLz', args: [...args, await coSign(bed.devnet, stray)], value: fee })
    await hub().publicClient.waitForTransactionReceipt({ hash })

    const account = privateKeyToAddress(bed.devnet.keys.users[1]!)
    const { id } = await enqueue({ kind: 'Lock', account, lockEpoch: 5 })
    const [settled] = await runUntil([id])
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    expect(await lockOf(account)).toEqual([true, 5])
  })

  it('executes a command once when its VAA arrived before its packet, and consumes the packet as a duplicate', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[4]!)
    const { id, payload } = await enqueue({ kind: 'Lock', account, lockEpoch: 1 })
    const r = relayer()
    await runUntil([id], r, (s) => s === 'published')
    // the same command over Wormhole, delivered out of band first
    const publish = await hub().wallet(bed.devnet.keys.relayer).writeContract({ address: bed.devnet.hub.address, abi: MarginHub.abi, functionName: 'publish', args: [payload, await coSign(bed.devnet, payload)] })
    await hub().publicClient.waitForTransactionReceipt({ hash: publish })
    const [message] = await signPublishedMessages({
      publicClient: hub().publicClient,
      txHash: publish,
      wormhole: hub().addresses.wormhole,
      emitterChain: hub().wormholeChainId,
      guardianKeys: bed.devnet.keys.guardians,
    })
    const wormholeTx = await spoke().wallet(bed.devnet.keys.users[4]!).writeContract({ address: spoke().addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [message!.vaa] })
    await spoke().publicClient.waitForTransactionReceipt({ hash: wormholeTx })

    const [settled] = await runUntil([id], r)
    expect(settled).toMatchObject({ state: 'executed', outcome: 'applied' })
    expect(await executions(id as Hex)).toHaveLength(1)
    const duplicates = await spoke().publicClient.getContractEvents({
      address: spoke().addresses.vault,
      abi: MarginVault.abi,
      eventName: 'CommandDuplicateIgnored',
      args: { commandId: id as Hex },
      fromBlock: 0n,
    })
    expect(duplicates).toHaveLength(1)
    const last = (await transitionsOf(id)).at(-1)!
    expect(last.detail).toMatchObject({ tx: wormholeTx, note: 'duplicate: executed by another delivery' })
  })

  it('executes a command once when its packet arrived before its VAA', async () => {
    const account = privateKeyToAddress(bed.devnet.keys.users[5]!)
    const { id, payload } = await enqueue({ kind: 'Lock', account, lockEpoch: 1 })
    await runUntil([id])
    const publish = await hub().wallet(bed.devnet.keys.relayer).writeContract({ address: bed.devnet.hub.address, abi: MarginHub.abi, functionName: 'publish', args: [payload, await coSign(bed.devnet, payload)] })
    await hub().publicClient.waitForTransactionReceipt({ hash: publish })
    const [message] = await signPublishedMessages({
      publicClient: hub().publicClient,
      txHash: publish,
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
    expect(await executions(id as Hex)).toHaveLength(1)
  })
})
