import { loadEscapeClaims, publishCheckpoints } from '@unimargin/aggregator'
import { MarginVault, MockERC20 } from '@unimargin/contracts'
import { and, collateralBalances, commands, eq, testDatabases, withdrawals } from '@unimargin/db'
import { DEVNET_ESCAPE_DELAY_SECONDS, userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import pino from 'pino'
import type { Address, Hex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Pipeline, startPipeline, waitFor } from './harness.js'

const BASE_PORT = 32100
const usdc = (n: number) => BigInt(n) * 10n ** 6n

/**
 * The escape hatch end to end: the hub's own checkpoint round, delivered by its relayer through Wormhole to every
 * vault; then the hub stops for good, a week passes on every chain, and users exit with the proofs the hub stored.
 */
describe.each(testDatabases())('escape hatch on three chains, on $kind', ({ open }) => {
  let p: Pipeline
  let chains: [number, number, number]
  const user = (i: number) => ({ key: p.devnet.keys.users[i]! as Hex, address: privateKeyToAddress(p.devnet.keys.users[i]!) })
  const alice = () => user(1)
  const bob = () => user(2)

  beforeAll(async () => {
    p = await startPipeline({ database: await open(), basePort: BASE_PORT })
    chains = p.devnet.chains.map((c) => c.chainId) as [number, number, number]
  })
  /** set once the test has stopped the hub for good: only the chains are left to stop */
  let hubStopped = false
  afterAll(async () => {
    if (hubStopped) await p?.devnet.stop()
    else await p?.stop()
    await p?.database.close()
  })

  const vaultRead = <F extends 'escapeLedgerOf' | 'checkpoint'>(chainId: number, functionName: F, args: F extends 'checkpoint' ? [] : [Address, Address]) => {
    const c = p.devnet.chain(chainId)
    return c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName, args } as never) as Promise<
      F extends 'checkpoint' ? { epoch: bigint; root: Hex; asOfBlock: bigint } : { credited: bigint; debited: bigint; claimed: boolean }
    >
  }
  const tokensOf = (chainId: number, holder: Address) => {
    const c = p.devnet.chain(chainId)
    return c.publicClient.readContract({ address: c.addresses.tokens.USDC, abi: MockERC20.abi, functionName: 'balanceOf', args: [holder] })
  }

  it('checkpoints every vault through the relayer once the hub has processed what happened on the chains', async () => {
    await userDeposit(p.devnet, { chainId: chains[0], key: alice().key, symbol: 'USDC', amount: usdc(1000) })
    await userDeposit(p.devnet, { chainId: chains[1], key: alice().key, symbol: 'USDC', amount: usdc(500) })
    await userDeposit(p.devnet, { chainId: chains[1], key: bob().key, symbol: 'USDC', amount: usdc(2000) })
    // the hub decides a withdrawal on what it has seen: bob's collateral on the other chain must be credited first
    await waitFor("bob's deposit on chain 1 to be credited by the hub", async () => {
      const rows = await p.database.db.select().from(collateralBalances).where(eq(collateralBalances.chainId, chains[1]))
      return rows.some((r) => r.account.toLowerCase() === bob().address.toLowerCase() && r.amount >= usdc(2000)) || undefined
    }, 60_000)
    const { requestId } = await userRequestWithdrawal(p.devnet, { chainId: chains[0], key: bob().key, symbol: 'USDC', amount: usdc(300) })
    const w = await waitFor('bob\'s withdrawal on chain 0 to be answered', async () => {
      const [row] = await p.database.db.select().from(withdrawals).where(and(eq(withdrawals.chainId, chains[0]), eq(withdrawals.requestId, requestId)))
      return row && ['executed', 'rejected', 'voided', 'expired'].includes(row.state) ? row : undefined
    }, 60_000)
    expect({ state: w.state, reason: w.reason }).toEqual({ state: 'executed', reason: null })

    // the node's round, run now instead of an interval from now; a chain whose latest events wait is retried
    const logger = pino({ level: 'silent' })
    const round = await waitFor('a round that includes every chain', async () => {
      const r = await p.database.db.transaction((tx) =>
        publishCheckpoints({ tx, config: p.devnet.config, logger, now: () => new Date(), referenceTs: BigInt(Math.floor(Date.now() / 1000)) }),
      )
      return r.skipped.length === 0 && r.published.length === 3 ? r : undefined
    })
    for (const published of round.published) {
      await waitFor(`the Checkpoint to execute on chain ${published.chainId}`, async () => {
        const [c] = await p.database.db.select().from(commands).where(eq(commands.id, published.commandId))
        return c?.state === 'executed' && c.outcome === 'applied'
      })
    }
    const claims = await loadEscapeClaims(p.database.db, alice().address)
    for (const chainId of chains) {
      const inForce = await vaultRead(chainId, 'checkpoint', [])
      const stored = round.published.find((x) => x.chainId === chainId)!
      expect(inForce.epoch).toBe(stored.epoch)
      const claim = claims.find((c) => c.chainId === chainId)
      if (claim) expect(inForce.root).toBe(claim.root)
    }
    // alice's leaves carry the counters the vaults hold, and never more than she deposited there
    expect(claims.find((c) => c.chainId === chains[0])).toMatchObject({ creditedAt: usdc(1000), debitedAt: 0n })
    for (const c of claims) expect(c.entitlement).toBeLessThanOrEqual(c.creditedAt - c.debitedAt + usdc(300))
  }, 240_000)

  it('lets every account exit with its stored proofs once the hub is gone for the escape delay, once each', async () => {
    // after the checkpoint: alice deposits 50 more on chain 1, then the hub stops for good
    await userDeposit(p.devnet, { chainId: chains[1], key: alice().key, symbol: 'USDC', amount: usdc(50) })
    await p.node.stop()
    hubStopped = true
    for (const chainId of chains) {
      const c = p.devnet.chain(chainId)
      await c.testClient.increaseTime({ seconds: Number(DEVNET_ESCAPE_DELAY_SECONDS) + 1 })
      await c.testClient.mine({ blocks: 1 })
      const hash = await c.wallet(bob().key).writeContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'activateEscape' })
      expect((await c.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    }

    let paidTotal = 0n
    let entitledTotal = 0n
    for (const u of [alice(), bob()]) {
      for (const claim of await loadEscapeClaims(p.database.db, u.address)) {
        const c = p.devnet.chain(claim.chainId)
        const ledger = await vaultRead(claim.chainId, 'escapeLedgerOf', [u.address, claim.asset])
        const due = claim.entitlement + (ledger.credited - claim.creditedAt) - (ledger.debited - claim.debitedAt)
        const before = await tokensOf(claim.chainId, u.address)
        const args = [claim.asset, claim.entitlement, claim.creditedAt, claim.debitedAt, claim.proof] as const
        const { request } = await c.publicClient.simulateContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'claimEscape', args, account: privateKeyToAccount(u.key) })
        expect((await c.publicClient.waitForTransactionReceipt({ hash: await c.wallet(u.key).writeContract(request) })).status).toBe('success')
        const paid = (await tokensOf(claim.chainId, u.address)) - before
        expect(paid).toBe(due > 0n ? due : 0n)
        if (u.address === alice().address && claim.chainId === chains[1]) expect(paid).toBe(claim.entitlement + usdc(50))
        paidTotal += paid
        entitledTotal += claim.entitlement
        const again = c.publicClient.simulateContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'claimEscape', args, account: privateKeyToAccount(u.key) })
        await expect(again).rejects.toThrow(/EscapeAlreadyClaimed/)
      }
    }
    // what was paid is the entitlements plus alice's deposit after the checkpoint
    expect(paidTotal).toBe(entitledTotal + usdc(50))
    expect(entitledTotal).toBeGreaterThan(0n)
  }, 240_000)
})
