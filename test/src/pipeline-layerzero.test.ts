import { MockERC20 } from '@unimargin/contracts'
import { and, commandTransitions, eq, testDatabases, withdrawals } from '@unimargin/db'
import { userDeposit, userRequestWithdrawal, vaultBalance } from '@unimargin/devnet'
import type { Address, Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Pipeline, startPipeline, waitFor } from './harness.js'

const usdc = (n: number) => BigInt(n) * 10n ** 6n

describe.each(testDatabases())('the pipeline with the route to one chain over LayerZero, on $kind', ({ open }) => {
  let p: Pipeline
  let chains: [number, number, number]
  const user = (i: number) => ({ key: p.devnet.keys.users[i]! as Hex, address: privateKeyToAddress(p.devnet.keys.users[i]!) })

  beforeAll(async () => {
    p = await startPipeline({ database: await open(), basePort: 22645, routes: { 31338: 'layerzero' } })
    chains = p.devnet.chains.map((c) => c.chainId) as [number, number, number]
    await Promise.all(chains.map((chainId) => userDeposit(p.devnet, { chainId, key: user(0).key, symbol: 'USDC', amount: usdc(100_000) })))
  })
  afterAll(async () => {
    await p?.stop()
    await p?.database.close()
  })

  const tokenBalance = (chainId: number, holder: Address) => {
    const c = p.devnet.chain(chainId)
    return c.publicClient.readContract({ address: c.addresses.tokens.USDC, abi: MockERC20.abi, functionName: 'balanceOf', args: [holder] })
  }
  const executedWithdrawal = (chainId: number, requestId: bigint) =>
    waitFor(`withdrawal ${requestId} on ${chainId} to execute`, async () => {
      const [row] = await p.database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, chainId), eq(withdrawals.requestId, requestId)))
      return row?.state === 'executed' ? row : undefined
    })
  const publishedOver = async (commandId: Hex) => {
    const rows = await p.database.db.select().from(commandTransitions).where(and(eq(commandTransitions.commandId, commandId), eq(commandTransitions.toState, 'published')))
    return (rows[0]?.detail as { transport?: string } | undefined)?.transport
  }

  it('pays withdrawals over LayerZero to that chain and over Wormhole to the others, each exactly once', async () => {
    const alice = user(1)
    await userDeposit(p.devnet, { chainId: chains[0], key: alice.key, symbol: 'USDC', amount: usdc(10_000) })
    await waitFor('the deposit to be credited', async () => (await p.api.getAccount(alice.address)).collateral.length > 0)
    const before = await Promise.all([chains[1], chains[2]].map((c) => tokenBalance(c, alice.address)))

    const overLz = await userRequestWithdrawal(p.devnet, { chainId: chains[1], key: alice.key, symbol: 'USDC', amount: usdc(2_000) })
    const overWormhole = await userRequestWithdrawal(p.devnet, { chainId: chains[2], key: alice.key, symbol: 'USDC', amount: usdc(1_000) })
    const [lz, wh] = await Promise.all([executedWithdrawal(chains[1], overLz.requestId), executedWithdrawal(chains[2], overWormhole.requestId)])

    expect(await publishedOver(lz.commandId!)).toBe('layerzero')
    expect(await publishedOver(wh.commandId!)).toBe('wormhole')
    const lzCommand = await p.api.getCommand(lz.commandId!)
    expect(lzCommand).toMatchObject({ state: 'executed', outcome: 'applied' })
    expect(lzCommand.transitions.map((t) => t.to)).toEqual(expect.arrayContaining(['pending', 'published', 'attested', 'delivered', 'executed']))
    expect((await tokenBalance(chains[1], alice.address)) - before[0]!).toBe(usdc(2_000))
    expect((await tokenBalance(chains[2], alice.address)) - before[1]!).toBe(usdc(1_000))
    expect(await vaultBalance(p.devnet, chains[1], alice.address, 'USDC')).toBe(-usdc(2_000))
  })

  it('rejects an over-withdrawal over LayerZero and gives the escrow back', async () => {
    const bob = user(2)
    await userDeposit(p.devnet, { chainId: chains[1], key: bob.key, symbol: 'USDC', amount: usdc(1_000) })
    await waitFor('bob\'s deposit', async () => (await p.api.getAccount(bob.address)).collateral.length > 0)
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: chains[1], key: bob.key, symbol: 'USDC', amount: usdc(5_000) })
    const w = await waitFor('the rejection to be executed', async () => {
      const [row] = await p.database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, chains[1]), eq(withdrawals.requestId, requestId)))
      return row?.state === 'rejected' && row.escrowClosedAt ? row : undefined
    })
    expect(await publishedOver(w.commandId!)).toBe('layerzero')
    expect(await vaultBalance(p.devnet, chains[1], bob.address, 'USDC')).toBe(usdc(1_000))
  })
})
