import {
  type MarketState,
  type PortfolioAccount,
  type PortfolioCollateral,
  type PortfolioEngine,
  seizeCollateral,
} from '@unimargin/risk'

/** Default share of the free collateral at opening that goes into the positions' allocations, bps. */
export const DEFAULT_ISOLATED_FREE_SHARE_BPS = 5_000

/**
 * A USD cash item worth `usd8` (no haircut, flat in every scenario): how an isolated position's allocation is held.
 * Allocations are settled in the quote currency, as on exchanges' isolated margin (a transfer into the position).
 */
export function allocationCash(usd8: bigint): PortfolioCollateral {
  return {
    chainId: 0,
    symbol: 'USD',
    asset: 'isolated-allocation',
    amount: usd8,
    decimals: 8,
    priceUsd8: 100_000_000n,
    haircutBps: 0,
    underlying: 'USD',
  }
}

/**
 * Gives every position of an account its own margin allocation, carved out of the collateral at opening:
 * `allocation_i = IM_i + share × max(0, equity − Σ IM) × IM_i / Σ IM` (usd8, rounded down), IM_i being the position's
 * standalone requirement (tiered tables, Deribit standard margin for short options) and `share` =
 * `freeShareBps` / 10 000 (default {@link DEFAULT_ISOLATED_FREE_SHARE_BPS}, half of the free collateral). A position
 * with no requirement (a long option) gets nothing. The allocations are taken from the collateral at oracle value in
 * the planner's seizure order (stablecoins first, then the lowest haircut: `seizeCollateral`) and converted to USD
 * cash; what is left is the reserve, which no position's loss can reach.
 * @param engine an engine in `isolated` mode
 * @returns the reserve account (collateral left, settled P&L kept) with `isolatedMarginUsd8` on every position
 * @throws RangeError when `freeShareBps` is outside 0..10 000
 */
export function allocateIsolated(
  account: PortfolioAccount,
  market: MarketState,
  engine: PortfolioEngine,
  freeShareBps = DEFAULT_ISOLATED_FREE_SHARE_BPS,
): PortfolioAccount {
  if (!Number.isInteger(freeShareBps) || freeShareBps < 0 || freeShareBps > 10_000)
    throw new RangeError(`The isolated free-collateral share (${freeShareBps} bps) is not an integer within 0..10000.`)
  const risk = engine.marginAccount(account, market)
  const ims = risk.positions.map((p) => p.imUsd8)
  const totalIm = ims.reduce((a, b) => a + b, 0n)
  const free = risk.equityUsd8 > totalIm ? risk.equityUsd8 - totalIm : 0n
  const extra = (free * BigInt(freeShareBps)) / 10_000n
  const allocations = ims.map((im) => (totalIm === 0n ? 0n : im + (extra * im) / totalIm))
  const total = allocations.reduce((a, b) => a + b, 0n)
  const carved = seizeCollateral(account.collateral, total)
  // a book whose collateral cannot fund IM gets what there is, pro rata
  const scale = (a: bigint) => (carved.uncoveredUsd8 === 0n || total === 0n ? a : (a * carved.seizedValueUsd8) / total)
  return {
    ...account,
    collateral: account.collateral.map((c, i) => ({
      ...c,
      amount: carved.remainingCollateral[i]!.amount,
    })),
    positions: account.positions.map((p, i) => ({
      ...p,
      isolatedMarginUsd8: scale(allocations[i]!),
    })),
  }
}

/**
 * The account as the engine values it in isolated mode: the reserve plus one cash item holding the allocations, so
 * equity = reserve + Σ (allocation + P&L) + settled P&L, MM = Σ MM_i and health = the lowest position health.
 */
export function withAllocations(account: PortfolioAccount): PortfolioAccount {
  const allocated = account.positions.reduce((s, p) => s + (p.isolatedMarginUsd8 ?? 0n), 0n)
  return allocated === 0n
    ? account
    : {
        ...account,
        collateral: [...account.collateral, allocationCash(allocated)],
      }
}
