import * as fc from 'fast-check'
import { type Address, getAddress, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { allocateEntitlements, type EscapeAccount, EscapeInputError, type EscapePool } from './allocate.js'

const USDC = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3')
const WETH = getAddress('0xe7f1725e7734ce288f8367e1bb143e90bb3f0512')
const A = getAddress('0x00000000000000000000000000000000000000a1')
const B = getAddress('0x00000000000000000000000000000000000000b2')
const usdc = (whole: number) => BigInt(whole) * 10n ** 6n
const USD = 10n ** 8n
const usdcPool = (chainId: number, tokens: bigint): EscapePool => ({ chainId, asset: USDC, decimals: 6, priceUsd8: USD, vaultTokens: tokens })

describe('allocateEntitlements', () => {
  it('gives each account its own holdings first and the borrower\'s leftover collateral to the account its vault could not pay', () => {
    // A deposits 1000 on chain 1 and 500 on chain 2; B deposits 2000 on chain 2 and 400 on chain 3 and borrows 300
    // on chain 1, paid from A's tokens there
    const pools = [usdcPool(1, usdc(700)), usdcPool(2, usdc(2500)), usdcPool(3, usdc(400))]
    const accounts: EscapeAccount[] = [
      { account: A, equityAfterWorstLossUsd8: 1500n * USD, holdings: [{ chainId: 1, asset: USDC, amount: usdc(1000) }, { chainId: 2, asset: USDC, amount: usdc(500) }] },
      {
        account: B,
        equityAfterWorstLossUsd8: 2100n * USD,
        holdings: [{ chainId: 1, asset: USDC, amount: -usdc(300) }, { chainId: 2, asset: USDC, amount: usdc(2000) }, { chainId: 3, asset: USDC, amount: usdc(400) }],
      },
    ]
    // A: 700 of its 1000 on chain 1 (all the vault holds), its 500 on chain 2. B: its 2000 on chain 2, then 100 of its
    // 400 on chain 3 (its equity 2100 is spent). Spare: chain 3's other 300 go to A, whose 1500 is then covered.
    expect(allocateEntitlements(pools, accounts)).toEqual([
      { chainId: 1, asset: USDC, account: A, amount: usdc(700) },
      { chainId: 2, asset: USDC, account: A, amount: usdc(500) },
      { chainId: 2, asset: USDC, account: B, amount: usdc(2000) },
      { chainId: 3, asset: USDC, account: A, amount: usdc(300) },
      { chainId: 3, asset: USDC, account: B, amount: usdc(100) },
    ])
  })

  it('caps an account\'s entitlement at its equity after the worst-case loss and gives nothing to one with none left', () => {
    const pools = [usdcPool(1, usdc(1000)), { chainId: 1, asset: WETH, decimals: 18, priceUsd8: 2000n * USD, vaultTokens: 10n ** 18n }]
    const accounts: EscapeAccount[] = [
      // 1 WETH (2000 USD) and 1000 USDC, worst case leaves 2500 USD: all the USDC (pools sort USDC first) and 0.75 WETH
      { account: A, equityAfterWorstLossUsd8: 2500n * USD, holdings: [{ chainId: 1, asset: WETH, amount: 10n ** 18n }, { chainId: 1, asset: USDC, amount: usdc(1000) }] },
      { account: B, equityAfterWorstLossUsd8: -5n * USD, holdings: [] },
    ]
    expect(allocateEntitlements(pools, accounts)).toEqual([
      { chainId: 1, asset: USDC, account: A, amount: usdc(1000) },
      { chainId: 1, asset: WETH, account: A, amount: 75n * 10n ** 16n },
    ])
  })

  it('rejects a holding in a pool that is not listed, a duplicate pool and a non-positive price, naming them', () => {
    const account: EscapeAccount = { account: A, equityAfterWorstLossUsd8: USD, holdings: [{ chainId: 9, asset: USDC, amount: 1n }] }
    expect(() => allocateEntitlements([usdcPool(1, 1n)], [account])).toThrow(/holds .* on chain 9, which is not a pool/)
    expect(() => allocateEntitlements([usdcPool(1, 1n), usdcPool(1, 2n)], [])).toThrow(EscapeInputError)
    expect(() => allocateEntitlements([{ ...usdcPool(1, 1n), priceUsd8: 0n }], [])).toThrow(/must be positive/)
  })

  describe('properties', () => {
    const assets = [USDC, WETH]
    const poolArb = fc.record({
      decimals: fc.constantFrom(6, 8, 18),
      priceUsd8: fc.bigInt({ min: 1n, max: 100_000n * USD }),
      vaultTokens: fc.bigInt({ min: 0n, max: 10n ** 24n }),
    })
    const worldArb = fc
      .record({
        pools: fc.array(poolArb, { minLength: 2 * 3, maxLength: 2 * 3 }),
        accounts: fc.array(
          fc.record({
            equity: fc.bigInt({ min: -(10n ** 14n), max: 10n ** 16n }),
            holdings: fc.array(fc.record({ pool: fc.nat(5), amount: fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }) }), { maxLength: 6 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
      })
      .map(({ pools, accounts }) => {
        const escapePools: EscapePool[] = pools.map((p, i) => ({ chainId: 1 + Math.floor(i / 2), asset: assets[i % 2]!, ...p }))
        const escapeAccounts: EscapeAccount[] = accounts.map((a, i) => ({
          account: getAddress(toHex(i + 1, { size: 20 })) as Address,
          equityAfterWorstLossUsd8: a.equity,
          holdings: a.holdings.map((h) => ({ chainId: escapePools[h.pool]!.chainId, asset: escapePools[h.pool]!.asset, amount: h.amount })),
        }))
        return { pools: escapePools, accounts: escapeAccounts }
      })

    it('never gives an account more, in USD at the checkpoint prices, than its equity after the worst-case loss', () => {
      fc.assert(
        fc.property(worldArb, ({ pools, accounts }) => {
          const entitlements = allocateEntitlements(pools, accounts)
          for (const a of accounts) {
            // exact value as a fraction over 10^18 (the widest decimals), compared without rounding
            let valueTimes1e18 = 0n
            for (const e of entitlements.filter((x) => x.account === a.account)) {
              const p = pools.find((x) => x.chainId === e.chainId && x.asset === e.asset)!
              valueTimes1e18 += e.amount * p.priceUsd8 * 10n ** BigInt(18 - p.decimals)
            }
            const budget = a.equityAfterWorstLossUsd8 > 0n ? a.equityAfterWorstLossUsd8 : 0n
            expect(valueTimes1e18).toBeLessThanOrEqual(budget * 10n ** 18n)
          }
        }),
        { numRuns: 300 },
      )
    })

    it('never entitles a vault\'s accounts to more of an asset than the vault holds, and only to positive amounts', () => {
      fc.assert(
        fc.property(worldArb, ({ pools, accounts }) => {
          const entitlements = allocateEntitlements(pools, accounts)
          for (const p of pools) {
            const sum = entitlements.filter((e) => e.chainId === p.chainId && e.asset === p.asset).reduce((s, e) => s + e.amount, 0n)
            expect(sum).toBeLessThanOrEqual(p.vaultTokens)
          }
          for (const e of entitlements) expect(e.amount).toBeGreaterThan(0n)
        }),
        { numRuns: 300 },
      )
    })

    it('pays every account its whole own positive holdings when vaults hold them all and equity covers them', () => {
      fc.assert(
        fc.property(worldArb, ({ pools, accounts }) => {
          // no liabilities anywhere, vault tokens = the sum of holdings, equity = the holdings' value (rounded up)
          const holdingsOnly = accounts.map((a) => ({ ...a, holdings: a.holdings.map((h) => ({ ...h, amount: h.amount < 0n ? -h.amount : h.amount })) }))
          const fullPools = pools.map((p) => ({
            ...p,
            vaultTokens: holdingsOnly.flatMap((a) => a.holdings).filter((h) => h.chainId === p.chainId && h.asset === p.asset).reduce((s, h) => s + h.amount, 0n),
          }))
          const funded = holdingsOnly.map((a) => ({
            ...a,
            equityAfterWorstLossUsd8: a.holdings.reduce((s, h) => {
              const p = fullPools.find((x) => x.chainId === h.chainId && x.asset === h.asset)!
              return s + (h.amount * p.priceUsd8 + 10n ** BigInt(p.decimals) - 1n) / 10n ** BigInt(p.decimals)
            }, 0n),
          }))
          const entitlements = allocateEntitlements(fullPools, funded)
          for (const a of funded)
            for (const p of fullPools) {
              const own = a.holdings.filter((h) => h.chainId === p.chainId && h.asset === p.asset).reduce((s, h) => s + h.amount, 0n)
              const got = entitlements.find((e) => e.account === a.account && e.chainId === p.chainId && e.asset === p.asset)?.amount ?? 0n
              expect(got).toBe(own)
            }
        }),
        { numRuns: 200 },
      )
    })
  })
})
