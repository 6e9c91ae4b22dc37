import { LzEndpointV2, MarginHub, MarginVault, MockERC20 } from '@unimargin/contracts'
import { and, chainEvents, collateralBalances, commands, commandTransitions, eq, inArray, isNull, liquidations, testDatabases, withdrawals } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal, vaultBalance } from '@unimargin/devnet'
import { coSign, lzReceiveArgs, sentPackets, signPublishedMessages, verifyPacket } from '@unimargin/devnet/testing'
import { type Attester, type Command, commandOptions, decodeCommand, encodeCommand } from '@unimargin/protocol'
import { NotYetError } from '@unimargin/relayer'
import { type Address, type Hash, type Hex, keccak256, parseEventLogs, type TransactionReceipt, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { mineTogether, type Pipeline, startPipeline, waitFor } from './harness.js'

const E18 = 10n ** 18n
const usdc = (n: number) => BigInt(n) * 10n ** 6n
const usd8 = (n: number) => BigInt(n) * 10n ** 8n
/** the relayer's stall threshold in these tests, ms */
const FALLBACK_AFTER_MS = 4_000

describe.each(testDatabases())('races on three chains, on $kind', ({ open }) => {
  let p: Pipeline
  let chains: [number, number, number]
  /** Wormhole attestations of commands matching this are held back (the guardians "lag") */
  let hold: (c: Command) => boolean = () => false
  const user = (i: number) => ({ key: p.devnet.keys.users[i]! as Hex, address: privateKeyToAddress(p.devnet.keys.users[i]!) })
  const gated = (inner: Attester): Attester => ({
    attest: async (m) => {
      if (hold(decodeCommand(m.payload))) throw new NotYetError('attestation held back by the test', 100)
      return inner.attest(m)
    },
  })

  beforeAll(async () => {
    p = await startPipeline({ database: await open(), basePort: 22745, relayer: { attester: gated, fallbackAfterMs: FALLBACK_AFTER_MS } })
    chains = p.devnet.chains.map((c) => c.chainId) as [number, number, number]
    await Promise.all(chains.map((chainId) => userDeposit(p.devnet, { chainId, key: user(0).key, symbol: 'USDC', amount: usdc(100_000) })))
  })
  afterAll(async () => {
    await p?.stop()
    await p?.database.close()
  })
  afterEach(async () => {
    hold = () => false
    await p.devnet.setPrice('ETH', usd8(1600))
  })

  const db = () => p.database.db
  const commandRow = async (id: Hex) => (await db().select().from(commands).where(eq(commands.id, id)))[0]
  const tokenBalance = (chainId: number, holder: Address) => {
    const c = p.devnet.chain(chainId)
    return c.publicClient.readContract({ address: c.addresses.tokens.USDC, abi: MockERC20.abi, functionName: 'balanceOf', args: [holder] })
  }
  const executions = (chainId: number, commandId: Hex) => {
    const c = p.devnet.chain(chainId)
    return c.publicClient.getContractEvents({ address: c.addresses.vault, abi: MarginVault.abi, eventName: 'CommandExecuted', args: { commandId }, fromBlock: 0n })
  }
  const isLocked = async (chainId: number, account: Address) => {
    const c = p.devnet.chain(chainId)
    return (await c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] }))[0]
  }
  const deposited = (account: Address, n: number) => waitFor('the deposits to be credited', async () => (await p.api.getAccount(account)).collateral.length >= n, 60_000)
  const settledLiquidation = (account: Address) =>
    waitFor(
      'the liquidation to settle and unlock',
      async () => {
        const [l] = await db().select().from(liquidations).where(eq(liquidations.account, account))
        return l?.state === 'settled' && (await p.api.getAccount(account)).lock.state === 'unlocked' ? l : undefined
      },
      45_000,
    )
  /** Waits until the hub processed every vault event, then checks every ledger balance against its vault. */
  async function expectLedgerEqualsVaults() {
    await waitFor('every event to be processed', async () => (await db().select().from(chainEvents).where(isNull(chainEvents.processedAt))).length === 0)
    for (const row of await db().select().from(collateralBalances)) {
      const symbol = (Object.entries(p.devnet.chain(row.chainId).addresses.tokens).find(([, t]) => t === row.asset)?.[0] ?? 'USDC') as 'USDC' | 'ETH' | 'BTC'
      expect({ ...row, onChain: await vaultBalance(p.devnet, row.chainId, row.account as Address, symbol) }).toMatchObject({ onChain: row.amount })
    }
  }
  /** Every command of `account` executed exactly once on its vault. */
  async function expectEachExecutedOnce(account: Address) {
    const rows = await db().select().from(commands).where(eq(commands.account, account))
    for (const r of rows) expect({ id: r.id, n: (await executions(r.destChainId, r.id as Hex)).length }).toEqual({ id: r.id, n: r.state === 'executed' ? 1 : 0 })
  }

  it('pays an approval in flight alongside a lock only if it executed before the lock, and voids or cancels it otherwise', { timeout: 240_000 }, async () => {
    const bob = user(2)
    await userDeposit(p.devnet, { chainId: chains[0], key: bob.key, symbol: 'USDC', amount: usdc(2_000) })
    await deposited(bob.address, 1)
    const before = await tokenBalance(chains[0], bob.address)
    hold = (c) => c.kind === 'ApproveWithdrawal' && c.account === bob.address
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: chains[0], key: bob.key, symbol: 'USDC', amount: usdc(500) })
    const approval = await waitFor('the approval to be published and held', async () => {
      const [w] = await db().select().from(withdrawals).where(and(eq(withdrawals.chainId, chains[0]), eq(withdrawals.requestId, requestId)))
      const c = w?.commandId ? await commandRow(w.commandId) : undefined
      return c?.publishTx ? c : undefined
    })
    // 10 ETH long at 1 600 with 1 470 USD of equity after haircut and the in-flight 500: below maintenance at 1 500
    await p.report(bob.address, 'ETH-PERP', 10n * E18, usd8(1600))
    await p.devnet.setPrice('ETH', usd8(1500))
    const lock = await waitFor('the lock to be published', async () => {
      const [c] = await db().select().from(commands).where(and(eq(commands.account, bob.address), eq(commands.kind, 'Lock'), eq(commands.destChainId, chains[0])))
      return c?.publishTx ? c : undefined
    })
    // both are on their way now: release the approval so the two race through attestation and delivery. The approval
    // may also have gone ahead already: while the co-signers were still catching up with the price before signing the
    // Lock, the relayer's stall timer can re-send the held approval over LayerZero. Either order is checked below.
    hold = () => false
    // the approval ends executed, or cancelled by the hub once the lock's RejectWithdrawal closed the request first
    const ended = async (id: Hex, states: string[]) => {
      const c = await commandRow(id)
      return c && states.includes(c.state) ? c : undefined
    }
    const [approvalDone, lockDone] = await Promise.all([
      waitFor(`command ${approval.id} to execute or be cancelled`, () => ended(approval.id as Hex, ['executed', 'cancelled'])),
      waitFor(`command ${lock.id} to execute`, () => ended(lock.id as Hex, ['executed'])),
    ])
    const [approvalEvent] = await executions(chains[0], approval.id as Hex)
    const [lockEvent] = await executions(chains[0], lock.id as Hex)
    const position = (e: { blockNumber: bigint; logIndex: number }) => e.blockNumber * 10_000n + BigInt(e.logIndex)
    const paid = (await tokenBalance(chains[0], bob.address)) - before
    if (approvalDone!.state === 'cancelled') {
      // a cancelled approval already attested may still reach its vault later: it pays nothing there
      const late = await commandRow(approval.id as Hex)
      if (approvalEvent) expect(late?.outcome).not.toBe('applied')
      const [w] = await db().select().from(withdrawals).where(and(eq(withdrawals.chainId, chains[0]), eq(withdrawals.requestId, requestId)))
      expect(w).toMatchObject({ state: 'rejected' })
      expect(paid).toBe(0n)
    } else if (position(approvalEvent!) > position(lockEvent!)) {
      expect(['voided_by_lock', 'request_not_pending']).toContain(approvalDone!.outcome)
      expect(paid).toBe(0n)
    } else {
      expect(approvalDone!.outcome).toBe('applied')
      expect(paid).toBe(usdc(500))
    }
    expect(lockDone!.outcome).toBe('applied')
    await settledLiquidation(bob.address)
    await expectEachExecutedOnce(bob.address)
    await expectLedgerEqualsVaults()
  })

  it('finishes a liquidation whose Wormhole route stalls midway over LayerZero, executing every command once', { timeout: 120_000 }, async () => {
    const carol = user(3)
    await userDeposit(p.devnet, { chainId: chains[0], key: carol.key, symbol: 'USDC', amount: usdc(1_000) })
    await userDeposit(p.devnet, { chainId: chains[1], key: carol.key, symbol: 'ETH', amount: E18 })
    await deposited(carol.address, 2)
    // the locks go through; then the guardians stop answering for the route to chain 2: the seizures there stall
    hold = (c) => c.account === carol.address && Number(c.destChainId) === chains[1] && c.kind !== 'Lock'
    await p.report(carol.address, 'ETH-PERP', 5n * E18, usd8(1600))
    await p.devnet.setPrice('ETH', usd8(1200)) // equity 980 + 1080 − 2000 = 60 USD < MM 300
    const settled = await settledLiquidation(carol.address)
    expect(new Set(settled.seizures.map((s) => s.chainId))).toEqual(new Set([chains[0], chains[1]]))

    const rows = await db().select().from(commands).where(and(eq(commands.account, carol.address), eq(commands.destChainId, chains[1])))
    const stalled = rows.filter((r) => r.kind !== 'Lock')
    expect(stalled.length).toBeGreaterThan(0)
    const fallbacks = await db()
      .select()
      .from(commandTransitions)
      .where(inArray(commandTransitions.commandId, stalled.map((r) => r.id)))
    for (const r of stalled) {
      expect(r.state).toBe('executed')
      expect(fallbacks.filter((t) => t.commandId === r.id && t.detail.fallback === 'layerzero')).toHaveLength(1)
    }
    await expectEachExecutedOnce(carol.address)
    await expectLedgerEqualsVaults()
  })

  it('leaves balances and the ledger unchanged when a Seize arrives again, or after the Unlock', { timeout: 120_000 }, async () => {
    const dave = user(4)
    await userDeposit(p.devnet, { chainId: chains[2], key: dave.key, symbol: 'USDC', amount: usdc(1_000) })
    await deposited(dave.address, 1)
    await p.report(dave.address, 'ETH-PERP', 5n * E18, usd8(1600))
    await p.devnet.setPrice('ETH', usd8(1400)) // equity 980 − 1000 < 0: liquidated
    const settled = await settledLiquidation(dave.address)
    await expectLedgerEqualsVaults()
    const c = p.devnet.chain(chains[2])
    const hub = p.devnet.chains[0]!
    const seize = await commandRow(settled.seizures[0]!.commandId)
    expect(seize?.state).toBe('executed')
    const balancesBefore = await Promise.all([dave.address, p.devnet.config.liquidation.receiver].map((a) => vaultBalance(p.devnet, chains[2], a, 'USDC')))

    // the same Seize again over Wormhole: refused (the VAA was consumed, the command executed)
    const [message] = await signPublishedMessages({
      publicClient: hub.publicClient,
      txHash: seize!.publishTx as Hex,
      wormhole: hub.addresses.wormhole,
      emitterChain: hub.wormholeChainId,
      guardianKeys: p.devnet.keys.guardians,
    })
    const relayer = privateKeyToAccount(p.devnet.keys.relayer)
    await expect(
      c.publicClient.simulateContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [message!.vaa], account: relayer }),
    ).rejects.toThrow(/VaaAlreadyConsumed|CommandAlreadyExecuted/)

    // the same Seize re-sent over LayerZero, landing after the Unlock: consumed as a duplicate
    const args = [c.addresses.layerzero.eid, seize!.payload as Hex, commandOptions('Seize')] as const
    const fee = await hub.publicClient.readContract({ address: p.devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args })
    const sendTx = await hub.wallet(p.devnet.keys.relayer).writeContract({ address: p.devnet.hub.address, abi: MarginHub.abi, functionName: 'publishLz', args: [...args, await coSign(p.devnet, seize!.payload as Hex)], value: fee })
    await hub.publicClient.waitForTransactionReceipt({ hash: sendTx })
    const [packet] = await sentPackets(hub.publicClient, sendTx)
    await p.devnet.mine(hub.chainId, 3)
    const executor = c.wallet(p.devnet.keys.relayer)
    await verifyPacket({ publicClient: c.publicClient, wallet: executor, endpoint: c.addresses.layerzero.endpoint, receiveLib: c.addresses.layerzero.receiveLib, worker: c.addresses.layerzero.worker }, packet!)
    const receiveTx = await executor.writeContract({ address: c.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'lzReceive', args: lzReceiveArgs(packet!, c.addresses.vault) })
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash: receiveTx })
    expect(parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandDuplicateIgnored' })).toHaveLength(1)

    // a Seize at the finished epoch that arrives after the Unlock (a late decision): the co-signers, who see the
    // account unlocked and healthy, refuse to sign it; had they signed, the vault would ignore it as stale
    const late = decodeCommand(seize!.payload as Hex)
    const lateId = keccak256(toHex(`late-seize-${Date.now()}`))
    const latePayload = encodeCommand({ ...late, commandId: lateId } as Command)
    await db().insert(commands).values({ id: lateId, kind: 'Seize', account: dave.address, destChainId: chains[2], vault: c.addresses.vault, payload: latePayload, expiry: late.expiry, cause: 'test:late-seize' })
    const lateOutcome = await waitFor('the late Seize to be refused or to execute', async () => {
      const row = await commandRow(lateId)
      if (row?.state === 'executed') return { row, refusals: [] as { code: string }[] }
      const transitions = await db().select().from(commandTransitions).where(eq(commandTransitions.commandId, lateId))
      const refused = transitions.find((t) => Array.isArray(t.detail.refusals))
      return refused && row ? { row, refusals: refused.detail.refusals as { code: string }[] } : undefined
    })
    if (lateOutcome.row.state === 'executed') expect(lateOutcome.row.outcome).toBe('stale_epoch')
    else {
      expect(lateOutcome.row.publishTx).toBeNull()
      expect(lateOutcome.refusals.length).toBeGreaterThanOrEqual(2)
      expect(lateOutcome.refusals.every((r) => r.code === 'healthy_account')).toBe(true)
    }

    expect(await isLocked(chains[2], dave.address)).toBe(false)
    const balancesAfter = await Promise.all([dave.address, p.devnet.config.liquidation.receiver].map((a) => vaultBalance(p.devnet, chains[2], a, 'USDC')))
    expect(balancesAfter).toEqual(balancesBefore)
    expect(await executions(chains[2], seize!.id as Hex)).toHaveLength(1)
    await expectLedgerEqualsVaults()
  })
})

describe.each(testDatabases())('withdrawals requested in one block, on $kind', ({ open }) => {
  let p: Pipeline
  let chains: [number, number, number]
  const user = (i: number) => ({ key: p.devnet.keys.users[i]! as Hex, address: privateKeyToAddress(p.devnet.keys.users[i]!) })
  const db = () => p.database.db

  beforeAll(async () => {
    // whole seconds: mining is stopped and restored through evm_setIntervalMining, which takes no fractions
    p = await startPipeline({ database: await open(), basePort: 22755, blockTimeSeconds: 1 })
    chains = p.devnet.chains.map((c) => c.chainId) as [number, number, number]
    await Promise.all(chains.map((chainId) => userDeposit(p.devnet, { chainId, key: user(0).key, symbol: 'USDC', amount: usdc(100_000) })))
  })
  afterAll(async () => {
    await p?.stop()
    await p?.database.close()
  })

  /** Submits `account`'s requestWithdrawal of `amount` USDC on `chainId` with `nonce`, without waiting for it to be mined. */
  async function submitRequest(chainId: number, key: Hex, amount: bigint, nonce: number): Promise<{ chainId: number; hash: Hash }> {
    const c = p.devnet.chain(chainId)
    const wallet = c.wallet(key)
    const args = [c.addresses.tokens.USDC, amount, wallet.account.address] as const
    // a fixed gas limit: estimating would run against the head, not the block these land in
    const hash = await wallet.writeContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'requestWithdrawal', args, nonce, gas: 500_000n })
    return { chainId, hash }
  }
  const nonceOf = (chainId: number, address: Address) => p.devnet.chain(chainId).publicClient.getTransactionCount({ address, blockTag: 'latest' })
  /** Waits until both requests are decided and every escrow is closed: executed, or rejected and released. */
  const settled = (requests: { chainId: number; requestId: bigint }[]) =>
    Promise.all(
      requests.map((r) =>
        waitFor(`withdrawal ${r.requestId} on ${r.chainId} to be settled`, async () => {
          const [w] = await db().select().from(withdrawals).where(and(eq(withdrawals.chainId, r.chainId), eq(withdrawals.requestId, r.requestId)))
          return w?.state === 'executed' || (w?.state === 'rejected' && w.escrowClosedAt) ? w : undefined
        }),
      ),
    )
  const requestIdOf = (receipt: TransactionReceipt) => {
    const [event] = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'WithdrawalRequested' })
    if (!event) throw new Error('the receipt holds no WithdrawalRequested')
    return event.args.requestId
  }
  async function expectLedgerEqualsVaults() {
    await waitFor('every event to be processed', async () => (await db().select().from(chainEvents).where(isNull(chainEvents.processedAt))).length === 0)
    for (const row of await db().select().from(collateralBalances)) {
      const symbol = (Object.entries(p.devnet.chain(row.chainId).addresses.tokens).find(([, t]) => t === row.asset)?.[0] ?? 'USDC') as 'USDC' | 'ETH' | 'BTC'
      expect({ ...row, onChain: await vaultBalance(p.devnet, row.chainId, row.account as Address, symbol) }).toMatchObject({ onChain: row.amount })
    }
  }
  async function expectEachExecutedOnce(account: Address) {
    for (const r of await db().select().from(commands).where(eq(commands.account, account))) {
      const c = p.devnet.chain(r.destChainId)
      const events = await c.publicClient.getContractEvents({ address: c.addresses.vault, abi: MarginVault.abi, eventName: 'CommandExecuted', args: { commandId: r.id as Hex }, fromBlock: 0n })
      expect({ id: r.id, n: events.length }).toEqual({ id: r.id, n: r.state === 'executed' ? 1 : 0 })
    }
  }
  /** One of the two 700 USDC requests executed and paid, the other rejected for want of free collateral. */
  async function expectOneApproved(account: Address, requests: { chainId: number; requestId: bigint }[]) {
    const decided = await settled(requests)
    expect(decided.filter((w) => w.state === 'executed')).toHaveLength(1)
    expect(decided.filter((w) => w.state === 'rejected')).toHaveLength(1)
    const balances = await Promise.all([...new Set(requests.map((r) => r.chainId))].map((c) => vaultBalance(p.devnet, c, account, 'USDC')))
    expect(balances.reduce((a, b) => a + b, 0n)).toBe(-usdc(700))
    await expectEachExecutedOnce(account)
    await expectLedgerEqualsVaults()
  }

  it('approves at most one of two withdrawals on two chains, mined in one block each at the same timestamp, that together exceed free collateral', async () => {
    const erin = user(1)
    const pair = [chains[1], chains[2]]
    const client = (i: number) => p.devnet.chain(pair[i]!).publicClient
    await userDeposit(p.devnet, { chainId: chains[0], key: erin.key, symbol: 'USDC', amount: usdc(1_000) })
    await waitFor('the deposit to be credited', async () => (await p.api.getAccount(erin.address)).collateral.length >= 1)
    // 1 000 deposited (2 % haircut → 980): 700 + 700 cannot both leave
    const { receipts, blocks } = await mineTogether(p, pair, async () => {
      const nonces = await Promise.all(pair.map((c) => nonceOf(c, erin.address)))
      return Promise.all(pair.map((c, i) => submitRequest(c, erin.key, usdc(700), nonces[i]!)))
    })
    expect(receipts.map((r) => r.status)).toEqual(['success', 'success'])
    // each landed in the single block mined on its chain while mining was stopped, and both blocks share a timestamp
    expect(receipts.map((r) => r.blockHash)).toEqual(blocks.map((b) => b.hash))
    expect(blocks.map((b) => b.number)).toEqual(blocks.map((b) => b.headWhenStopped + 1n))
    expect(blocks[1]!.timestamp).toBe(blocks[0]!.timestamp)
    await waitFor('both chains to mine on their own again', async () => {
      const now = await Promise.all(pair.map((_, i) => client(i).getBlockNumber({ cacheTime: 0 })))
      return now.every((n, i) => n > receipts[i]!.blockNumber)
    })
    await expectOneApproved(
      erin.address,
      receipts.map((r, i) => ({ chainId: pair[i]!, requestId: requestIdOf(r) })),
    )
  })

  it('approves at most one of two withdrawals on one chain, mined in the same block, that together exceed free collateral', async () => {
    const frank = user(2)
    await userDeposit(p.devnet, { chainId: chains[0], key: frank.key, symbol: 'USDC', amount: usdc(1_000) })
    await waitFor('the deposit to be credited', async () => (await p.api.getAccount(frank.address)).collateral.length >= 1)
    const { receipts, blocks } = await mineTogether(p, [chains[1]], async () => {
      const nonce = await nonceOf(chains[1], frank.address)
      return [await submitRequest(chains[1], frank.key, usdc(700), nonce), await submitRequest(chains[1], frank.key, usdc(700), nonce + 1)]
    })
    expect(receipts.map((r) => r.status)).toEqual(['success', 'success'])
    expect(receipts.map((r) => r.blockHash)).toEqual([blocks[0]!.hash, blocks[0]!.hash])
    expect(blocks[0]!.number).toBe(blocks[0]!.headWhenStopped + 1n)
    expect(receipts[1]!.transactionIndex).toBeGreaterThan(receipts[0]!.transactionIndex)
    await expectOneApproved(frank.address, receipts.map((r) => ({ chainId: chains[1], requestId: requestIdOf(r) })))
  })
})
