import { MarginVault, MockERC20 } from '@unimargin/contracts'
import { and, chainEvents, collateralBalances, commands, eq, isNull, liquidations, testDatabases, withdrawals } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal, vaultBalance } from '@unimargin/devnet'
import type { Address, Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Pipeline, startPipeline, waitFor } from './harness.js'

const E18 = 10n ** 18n
const usdc = (n: number) => BigInt(n) * 10n ** 6n
const usd8 = (n: number) => BigInt(n) * 10n ** 8n

describe.each(testDatabases())('the pipeline on three chains, on $kind', ({ open }) => {
  let p: Pipeline
  let chains: [number, number, number]
  const user = (i: number) => ({ key: p.devnet.keys.users[i]! as Hex, address: privateKeyToAddress(p.devnet.keys.users[i]!) })

  beforeAll(async () => {
    p = await startPipeline({ database: await open(), basePort: 22545 })
    chains = p.devnet.chains.map((c) => c.chainId) as [number, number, number]
    // liquidity on every chain, so a vault can pay withdrawals covered by collateral elsewhere
    await Promise.all(chains.map((chainId) => userDeposit(p.devnet, { chainId, key: user(0).key, symbol: 'USDC', amount: usdc(100_000) })))
  })
  afterAll(async () => {
    await p?.stop()
    await p?.database.close()
  })

  const withdrawal = (chainId: number, requestId: bigint) =>
    p.database.db
      .select()
      .from(withdrawals)
      .where(and(eq(withdrawals.chainId, chainId), eq(withdrawals.requestId, requestId)))
      .then((rows) => rows[0])
  const tokenBalance = (chainId: number, holder: Address) => {
    const c = p.devnet.chain(chainId)
    return c.publicClient.readContract({ address: c.addresses.tokens.USDC, abi: MockERC20.abi, functionName: 'balanceOf', args: [holder] })
  }

  it('credits a deposit exactly once and shows it in the account view', async () => {
    const alice = user(1)
    const receipt = await userDeposit(p.devnet, { chainId: chains[0], key: alice.key, symbol: 'USDC', amount: usdc(10_000) })
    const view = await waitFor('the deposit to be credited', async () => {
      const v = await p.api.getAccount(alice.address)
      return v.collateral.some((c) => c.chainId === chains[0] && c.amount === String(usdc(10_000))) ? v : undefined
    })
    expect(view.collateral).toHaveLength(1)
    const rows = await p.database.db.select().from(chainEvents).where(eq(chainEvents.txHash, receipt.transactionHash))
    expect(rows.filter((r) => r.eventName === 'Deposited')).toHaveLength(1)
    expect(view.valuationBlocks.find((b) => b.chainId === chains[0])).toBeDefined()
  })

  it('approves a withdrawal on a chain where the account deposited nothing and the vault there pays it', async () => {
    const alice = user(1)
    const before = await tokenBalance(chains[2], alice.address)
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: chains[2], key: alice.key, symbol: 'USDC', amount: usdc(4_000) })
    const w = await waitFor('the withdrawal to execute', async () => {
      const row = await withdrawal(chains[2], requestId)
      return row?.state === 'executed' ? row : undefined
    })
    expect(w.reason).toBeNull()
    expect((await tokenBalance(chains[2], alice.address)) - before).toBe(usdc(4_000))
    expect(await vaultBalance(p.devnet, chains[2], alice.address, 'USDC')).toBe(-usdc(4_000))
    const command = await p.api.getCommand(w.commandId!)
    expect(command.state).toBe('executed')
    expect(command.outcome).toBe('applied')
    expect(command.transitions.map((t) => t.to)).toEqual(expect.arrayContaining(['pending', 'published', 'attested', 'delivered', 'executed']))
  })

  it('finishes a withdrawal exactly once when the node restarts while it is in flight', async () => {
    const dave = user(4)
    await userDeposit(p.devnet, { chainId: chains[1], key: dave.key, symbol: 'USDC', amount: usdc(1_000) })
    await waitFor('dave\'s deposit', async () => (await p.api.getAccount(dave.address)).collateral.length > 0)
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: chains[1], key: dave.key, symbol: 'USDC', amount: usdc(300) })
    await waitFor('the decision', async () => (await withdrawal(chains[1], requestId))?.commandId)
    await p.restartNode()
    const w = await waitFor('the withdrawal to execute after the restart', async () => {
      const row = await withdrawal(chains[1], requestId)
      return row?.state === 'executed' ? row : undefined
    })
    const paid = await p.database.db.select().from(chainEvents).where(eq(chainEvents.eventName, 'WithdrawalExecuted'))
    expect(paid.filter((e) => e.args.account === dave.address && e.chainId === chains[1])).toHaveLength(1)
    const decided = await p.database.db.select().from(commands).where(eq(commands.cause, `withdrawal:${chains[1]}:${requestId}`))
    expect(decided).toHaveLength(1)
    expect(decided[0]?.id).toBe(w.commandId)
    expect(await vaultBalance(p.devnet, chains[1], dave.address, 'USDC')).toBe(usdc(700))
  })

  it('rejects an over-withdrawal with its reason and limit and gives the escrow back', async () => {
    const alice = user(1)
    // 10 000 deposited on chain 1 (2% haircut → 9 800), 4 000 owed on chain 3 (× 1.02 → 4 080): 5 720 left
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: chains[1], key: alice.key, symbol: 'USDC', amount: usdc(6_000) })
    const w = await waitFor('the rejection to be executed', async () => {
      const row = await withdrawal(chains[1], requestId)
      return row?.state === 'rejected' && row.escrowClosedAt ? row : undefined
    })
    expect(w.reason).toMatch(/would leave equity .* below initial margin/)
    expect(w.limit).toBeGreaterThan(usdc(5_000))
    expect(w.limit).toBeLessThan(usdc(6_000))
    expect(await vaultBalance(p.devnet, chains[1], alice.address, 'USDC')).toBe(0n)
  })

  it('never executes an approval that was still in flight when the account was locked', async () => {
    const bob = user(2)
    await userDeposit(p.devnet, { chainId: chains[0], key: bob.key, symbol: 'USDC', amount: usdc(2_000) })
    await waitFor('bob\'s deposit', async () => (await p.api.getAccount(bob.address)).collateral.length > 0)
    const before = await tokenBalance(chains[0], bob.address)
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: chains[0], key: bob.key, symbol: 'USDC', amount: usdc(500) })
    const approved = await waitFor('the approval', async () => {
      const row = await withdrawal(chains[0], requestId)
      return row?.state === 'approved' ? row : undefined
    })
    // hold the approval back, as a slow route would
    await p.database.db.update(commands).set({ nextAttemptAt: new Date(Date.now() + 3_600_000) }).where(eq(commands.id, approved.commandId!))

    // a 10 ETH long at 1 600 with 1 470 USD of equity after haircut and the held-back 500: below maintenance at 1 500
    await p.report(bob.address, 'ETH-PERP', 10n * E18, usd8(1600))
    await p.devnet.setPrice('ETH', usd8(1500))
    await waitFor('bob to be locked on chain 1', async () => {
      const c = p.devnet.chain(chains[0])
      const [locked] = await c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'accountLock', args: [bob.address] })
      return locked
    })
    await p.database.db.update(commands).set({ nextAttemptAt: new Date() }).where(eq(commands.id, approved.commandId!))
    // either the co-signers, valuing bob below initial margin now, refuse to sign it (it is never published), or it
    // was signed before and the vault voids it against the lock, or the vault closed the request first (the lock's
    // RejectWithdrawal) and the hub cancelled the approval, which can no longer pay
    const command = await waitFor('the held-back approval to be refused, cancelled or to reach the vault', async () => {
      const [row] = await p.database.db.select().from(commands).where(eq(commands.id, approved.commandId!))
      if (row?.state === 'executed' || row?.state === 'cancelled') return row
      return row && /below_initial_margin/.test(row.lastError ?? '') ? row : undefined
    })
    if (command.state === 'executed') expect(['voided_by_lock', 'request_not_pending']).toContain(command.outcome)
    else if (command.state === 'cancelled') expect((await withdrawal(chains[0], requestId))?.state).toBe('rejected')
    else expect(command.publishTx ?? null).toBeNull()
    expect(await tokenBalance(chains[0], bob.address)).toBe(before)
    const executed = await p.database.db.select().from(chainEvents).where(eq(chainEvents.eventName, 'WithdrawalExecuted'))
    expect(executed.some((e) => e.args.account === bob.address)).toBe(false)
    await p.devnet.setPrice('ETH', usd8(1600))
  })

  it('liquidates an account across two chains and ends with every vault balance equal to the ledger', { timeout: 90_000 }, async () => {
    const carol = user(3)
    await userDeposit(p.devnet, { chainId: chains[0], key: carol.key, symbol: 'USDC', amount: usdc(1_000) })
    await userDeposit(p.devnet, { chainId: chains[1], key: carol.key, symbol: 'ETH', amount: E18 })
    await waitFor('carol\'s deposits', async () => (await p.api.getAccount(carol.address)).collateral.length === 2)
    await p.report(carol.address, 'ETH-PERP', 5n * E18, usd8(1600))
    await p.devnet.setPrice('ETH', usd8(1200)) // equity 980 + 1080 − 2000 = 60 USD < MM 300
    const settled = await waitFor(
      'carol\'s liquidation to settle and unlock',
      async () => {
        const [l] = await p.database.db.select().from(liquidations).where(eq(liquidations.account, carol.address))
        const v = await p.api.getAccount(carol.address)
        return l?.state === 'settled' && v.lock.state === 'unlocked' ? l : undefined
      },
      45_000,
    )
    expect(new Set(settled.seizures.map((s) => s.chainId))).toEqual(new Set([chains[0], chains[1]]))
    expect((await p.api.getAccount(carol.address)).positions).toHaveLength(0)

    // wait until the hub has seen every vault event, then compare balance by balance
    await waitFor('every event to be processed', async () => (await p.database.db.select().from(chainEvents).where(isNull(chainEvents.processedAt))).length === 0)
    const ledger = await p.database.db.select().from(collateralBalances)
    for (const row of ledger) {
      const symbol = (Object.entries(p.devnet.chain(row.chainId).addresses.tokens).find(([, t]) => t === row.asset)?.[0] ?? 'USDC') as 'USDC' | 'ETH' | 'BTC'
      expect({ ...row, onChain: await vaultBalance(p.devnet, row.chainId, row.account as Address, symbol) }).toMatchObject({ onChain: row.amount })
    }
    expect(ledger.some((r) => r.account === p.devnet.config.liquidation.receiver)).toBe(true)
  })
})
