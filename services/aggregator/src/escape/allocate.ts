import type { Address } from 'viem'
import { AggregatorError } from '../common/errors.js'

/** Thrown when the input of {@link allocateEntitlements} is inconsistent; nothing is allocated. */
export class EscapeInputError extends AggregatorError {
  override name = 'EscapeInputError'
}

/** One (vault, asset) pair that entitlements are paid from. */
export type EscapePool = {
  /** EVM chain id of the vault */
  chainId: number
  /** the ERC-20 */
  asset: Address
  /** the token's decimals */
  decimals: number
  /** USD per whole token at the checkpoint, usd8 (1 USD = 10^8); must be positive */
  priceUsd8: bigint
  /** tokens the vault holds, base units (its ERC-20 balance); never negative */
  vaultTokens: bigint
}

/** One account as the hub values it at the checkpoint. */
export type EscapeAccount = {
  account: Address
  /**
   * The account's equity if every position were closed at the risk engine's worst scenario, usd8: collateral value
   * plus unrealised PnL minus the engine's worst-scenario loss. An account with nothing left (≤ 0) gets nothing.
   */
  equityAfterWorstLossUsd8: bigint
  /** per vault and asset: balance + escrow there, base units; negative for a liability (a borrow on that chain) */
  holdings: Array<{ chainId: number; asset: Address; amount: bigint }>
}

/** What `account` may take of `asset` from the vault on `chainId` in escape mode, base units (> 0). */
export type Entitlement = { chainId: number; asset: Address; account: Address; amount: bigint }

const poolKey = (chainId: number, asset: Address) => `${chainId}:${asset.toLowerCase()}`

/**
 * Splits each account's equity after its worst-case loss into exit entitlements per vault and asset.
 *
 * Algorithm (deterministic: accounts by address, pools by chain id then asset address):
 * 1. Budget: `max(0, equityAfterWorstLossUsd8)` per account. Capacity: each pool's `vaultTokens`.
 * 2. Own holdings first: each account takes, from every pool where it holds a positive amount, at most that
 *    amount, at most the pool's remaining capacity and at most what its remaining budget buys at the pool's price.
 *    An account's liabilities on other chains are already in its equity, so they shrink its budget, not its
 *    holdings. Capacity can run short where other accounts borrowed (their negative balances are paid from the
 *    pooled tokens); the accounts earlier in address order are then served first.
 * 3. Spare capacity: what is left of every pool (tokens other accounts' liabilities left behind, e.g. a borrower's
 *    collateral beyond its budget) is handed to the accounts whose budget is not yet spent, in the same order.
 *
 * Guarantees (tested as properties): per account, the USD value of its entitlements at the pools' prices never
 * exceeds its budget (each take is charged at its value rounded up); per pool, the entitlements never sum past
 * `vaultTokens`. An account is not guaranteed its whole budget: when the vaults hold fewer tokens than the
 * accounts' equity (after losses realised elsewhere), the last ones in order get less.
 *
 * @param pools every (vault, asset) that can pay; a pair appears once
 * @param accounts the accounts to allocate to; an account appears once
 * @returns entitlements with a positive amount, pools' order then accounts' order.
 * @throws {EscapeInputError} on a duplicate pool or account, a non-positive price, negative vault tokens, bad
 * decimals, or a holding in a pool not listed.
 */
export function allocateEntitlements(pools: readonly EscapePool[], accounts: readonly EscapeAccount[]): Entitlement[] {
  const sortedPools = [...pools].sort((a, b) => a.chainId - b.chainId || compareAddress(a.asset, b.asset))
  const capacity = new Map<string, bigint>()
  for (const p of sortedPools) {
    const key = poolKey(p.chainId, p.asset)
    if (capacity.has(key)) throw new EscapeInputError(`pool ${key} is listed twice`, { chainId: p.chainId, asset: p.asset })
    if (p.priceUsd8 <= 0n) throw new EscapeInputError(`pool ${key} has price ${p.priceUsd8} usd8; it must be positive`, { chainId: p.chainId, asset: p.asset })
    if (p.vaultTokens < 0n) throw new EscapeInputError(`pool ${key} has negative vault tokens ${p.vaultTokens}`, { chainId: p.chainId, asset: p.asset })
    if (!Number.isInteger(p.decimals) || p.decimals < 0 || p.decimals > 77) throw new EscapeInputError(`pool ${key} has decimals ${p.decimals}`, { chainId: p.chainId, asset: p.asset })
    capacity.set(key, p.vaultTokens)
  }
  const sortedAccounts = [...accounts].sort((a, b) => compareAddress(a.account, b.account))
  const budget = new Map<string, bigint>()
  for (const a of sortedAccounts) {
    const key = a.account.toLowerCase()
    if (budget.has(key)) throw new EscapeInputError(`account ${a.account} is listed twice`, { account: a.account })
    for (const h of a.holdings)
      if (!capacity.has(poolKey(h.chainId, h.asset)))
        throw new EscapeInputError(`account ${a.account} holds ${h.asset} on chain ${h.chainId}, which is not a pool`, { account: a.account, chainId: h.chainId, asset: h.asset })
    budget.set(key, a.equityAfterWorstLossUsd8 > 0n ? a.equityAfterWorstLossUsd8 : 0n)
  }

  const granted = new Map<string, bigint>()
  const grantKey = (p: EscapePool, account: Address) => `${poolKey(p.chainId, p.asset)}|${account.toLowerCase()}`
  /** Takes at most `want` of pool `p` for `account` within capacity and budget. */
  const take = (p: EscapePool, account: Address, want: bigint) => {
    const pk = poolKey(p.chainId, p.asset)
    const unit = 10n ** BigInt(p.decimals)
    const left = budget.get(account.toLowerCase())!
    const affordable = (left * unit) / p.priceUsd8
    const amount = min(want, capacity.get(pk)!, affordable)
    if (amount <= 0n) return
    capacity.set(pk, capacity.get(pk)! - amount)
    budget.set(account.toLowerCase(), left - ceilDiv(amount * p.priceUsd8, unit))
    const gk = grantKey(p, account)
    granted.set(gk, (granted.get(gk) ?? 0n) + amount)
  }

  for (const a of sortedAccounts) {
    const own = new Map<string, bigint>()
    for (const h of a.holdings) {
      const key = poolKey(h.chainId, h.asset)
      own.set(key, (own.get(key) ?? 0n) + h.amount)
    }
    for (const p of sortedPools) {
      const held = own.get(poolKey(p.chainId, p.asset)) ?? 0n
      if (held > 0n) take(p, a.account, held)
    }
  }
  for (const a of sortedAccounts) for (const p of sortedPools) take(p, a.account, capacity.get(poolKey(p.chainId, p.asset))!)

  const out: Entitlement[] = []
  for (const p of sortedPools)
    for (const a of sortedAccounts) {
      const amount = granted.get(grantKey(p, a.account))
      if (amount) out.push({ chainId: p.chainId, asset: p.asset, account: a.account, amount })
    }
  return out
}

function compareAddress(a: Address, b: Address): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

function min(...values: bigint[]): bigint {
  return values.reduce((m, v) => (v < m ? v : m))
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b
}
