import { valueCollateral } from '../collateral/valueCollateral.js'
import type { AccountRisk, CollateralParams, PortfolioAccount, PortfolioCollateral } from '../types.js'

/** How much of one asset may leave on one chain. */
export type WithdrawableAmount = { chainId: number; symbol: string; asset: string; /** base units, rounded down */ amount: bigint }

export type WithdrawableOptions = {
  /** buffer (usd8) that must remain above IM, for chains not in `bufferUsd8ByChain` */
  bufferUsd8: bigint
  /** per-chain buffers (the latency buffer of the route to that chain) */
  bufferUsd8ByChain?: Readonly<Record<number, bigint>>
  /** (chain, asset) pairs to answer for; defaults to the account's collateral items. An item the account does not
   *  hold is taken with amount 0 (the whole withdrawal would be a liability there) */
  items?: readonly PortfolioCollateral[]
}

/**
 * For each (chain, asset), the largest amount x (base units) whose withdrawal keeps `equity ≥ IM + buffer(chain)`.
 * x may exceed the holding on that chain: the rest becomes a liability there, valued at price·(1 + haircut). For
 * ordinary collateral the requirement does not depend on collateral, so only the collateral value moves; it is
 * recomputed exactly (size tiers included: a smaller holding bears a lower tier add-on). When the account holds
 * collateral the requirement depends on (risk-cancelling, with an IM haircut or a route break), each candidate is
 * revalued in full with `evaluate`. x is found by bisection over integers, at most up to the holding plus the
 * excess at the item's price. Zero when the account is already below the line or the item has no price. The vault's
 * liquidity is the caller's cap.
 * @param account the account
 * @param risk its risk at the market (from the same engine)
 * @param params collateral parameters of the engine
 * @param evaluate the account's risk with other collateral (same engine and market); without it the requirement is
 *   taken as fixed
 */
export function withdrawableAmounts(
  account: PortfolioAccount,
  risk: AccountRisk,
  params: CollateralParams,
  nowMs: number,
  options: WithdrawableOptions,
  evaluate?: (collateral: readonly PortfolioCollateral[]) => AccountRisk,
): WithdrawableAmount[] {
  const targets = options.items ?? account.collateral
  return targets.map((target) => {
    const buffer = options.bufferUsd8ByChain?.[target.chainId] ?? options.bufferUsd8
    const out = { chainId: target.chainId, symbol: target.symbol, asset: target.asset, amount: 0n }
    const excess = risk.equityUsd8 - risk.imUsd8 - buffer
    if (excess < 0n || target.priceUsd8 <= 0n) return out
    let index = account.collateral.findIndex((c) => c.chainId === target.chainId && c.asset.toLowerCase() === target.asset.toLowerCase())
    const items = [...account.collateral]
    if (index < 0) {
      items.push({ ...target, amount: 0n })
      index = items.length - 1
    }
    const held = items[index]!
    const full = evaluate !== undefined && items.some(dependsOnCollateral) ? evaluate : undefined
    const base = valueCollateral(items, params, nowMs).reduce((s, c) => s + c.weightedUsd8, 0n)
    const fits = (x: bigint) => {
      items[index] = { ...held, amount: held.amount - x }
      if (full) {
        const r = full(items)
        return r.equityUsd8 - r.imUsd8 >= buffer
      }
      const after = valueCollateral(items, params, nowMs).reduce((s, c) => s + c.weightedUsd8, 0n)
      return base - after <= excess
    }
    // beyond the holding each unit costs at least its price, so hi cannot fit
    const scale = 10n ** BigInt(held.decimals)
    let lo = 0n
    let hi = (held.amount > 0n ? held.amount : 0n) + (excess * scale) / held.priceUsd8 + 2n
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n
      if (fits(mid)) lo = mid
      else hi = mid
    }
    out.amount = lo
    return out
  })
}

/** Whether an item can change the requirement (portfolio mode): risk-cancelling, an IM haircut, a route break. */
function dependsOnCollateral(c: PortfolioCollateral): boolean {
  return c.riskCancelling === true || c.imHaircutBps !== undefined || (c.routeBreakLossBps ?? 0) > 0
}
