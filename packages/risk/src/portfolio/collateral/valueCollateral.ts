import { collateralValueUsd8, collateralWeightedUsd8 } from '../../margin/computeAccountMargin.js'
import { ceilDiv } from '../../math.js'
import { checkCollateralItem } from './checkCollateralItem.js'
import type { CollateralParams, CollateralRisk, PortfolioCollateral } from '../types.js'

/**
 * Values an account's collateral with an effective haircut per item, in bps, rounded up (against the account):
 * - assets (amount > 0): base (asset, chain) haircut + size-tier add-on + depeg shock + staleness charge, capped at 100%;
 * - liabilities (amount < 0): valued at price·(1 + base + staleness), as in the linear model (no tier, no depeg: a
 *   smaller liability price only helps the account).
 * The size-tier add-on is marginal (Binance Portfolio Margin's collateral-ratio tiers): the part of the account's
 * total holding of the symbol, across all chains, inside tier k bears that tier's `addBps`; each item pays the
 * holding's average rate. Taking the total across chains makes splitting a holding over chains change equity only
 * through the chains' base haircuts. Then `weighted = floor(amount·price·(1 ∓ h))` in one division
 * (`collateralWeightedUsd8`), so an item's figures equal the linear model's at the same haircut.
 * A risk-cancelling item in the scenarios (`options.scenarios`, portfolio mode) starts from `mmHaircutBps` in equity
 * and `imHaircutBps` for IM instead of `haircutBps` (its price move is in the scenarios; the haircuts cover the rest);
 * every other item has one haircut, so `imHaircutBps = haircutBps` and `imWeightedUsd8 = weightedUsd8`.
 * @param items collateral balances (base units, usd8 prices)
 * @param params tiers, depeg shocks and staleness charge
 * @param nowMs valuation time (staleness), unix ms
 * @param options `scenarios`: risk-cancelling items are revalued in the scenarios (portfolio mode); default false
 * @throws {InvalidInputError} when an item's IM/MM haircuts or route-break loss are out of range
 */
export function valueCollateral(
  items: readonly PortfolioCollateral[],
  params: CollateralParams,
  nowMs: number,
  options: { scenarios?: boolean } = {},
): CollateralRisk[] {
  for (const item of items) checkCollateralItem(item)
  const totals = new Map<string, bigint>()
  const values = items.map((item) => collateralValueUsd8(item.amount, item.decimals, item.priceUsd8))
  items.forEach((item, i) => {
    if (item.amount > 0n) totals.set(item.symbol, (totals.get(item.symbol) ?? 0n) + values[i]!)
  })
  const tierBpsBySymbol = new Map<string, number>()
  for (const [symbol, total] of totals) tierBpsBySymbol.set(symbol, tierAverageBps(total, params.sizeTiers[symbol] ?? params.sizeTiers['*'] ?? []))
  return items.map((item, i) => {
    const staleBps = staleCharge(item.priceUpdatedAtMs, nowMs, params.staleness)
    const asset = item.amount > 0n
    const tierBps = asset ? (tierBpsBySymbol.get(item.symbol) ?? 0) : 0
    const depegBps = asset ? (params.depegBps[item.symbol] ?? 0) : 0
    const inScenarios = options.scenarios === true && item.riskCancelling === true
    const mmBase = inScenarios ? (item.mmHaircutBps ?? item.haircutBps) : item.haircutBps
    const imBase = inScenarios ? (item.imHaircutBps ?? mmBase) : mmBase
    const effective = (base: number) => (asset ? Math.min(10_000, base + tierBps + depegBps + staleBps) : base + staleBps)
    const haircutBps = effective(mmBase)
    const imHaircutBps = effective(imBase)
    const weightedUsd8 = collateralWeightedUsd8(item.amount, item.decimals, item.priceUsd8, haircutBps)
    return {
      ...item,
      haircutBps,
      baseHaircutBps: mmBase,
      tierBps,
      depegBps,
      staleBps,
      valueUsd8: values[i]!,
      weightedUsd8,
      inScenarios,
      imHaircutBps,
      imWeightedUsd8: imHaircutBps === haircutBps ? weightedUsd8 : collateralWeightedUsd8(item.amount, item.decimals, item.priceUsd8, imHaircutBps),
    }
  })
}

/** Average add-on (bps, rounded up) of a holding of `totalUsd8` under marginal tiers. */
export function tierAverageBps(totalUsd8: bigint, tiers: readonly { aboveUsd: number; addBps: number }[]): number {
  if (totalUsd8 <= 0n || tiers.length === 0) return 0
  const sorted = [...tiers].sort((a, b) => a.aboveUsd - b.aboveUsd)
  let charge = 0n // usd8 · bps
  for (const [k, tier] of sorted.entries()) {
    const lo = BigInt(Math.round(tier.aboveUsd * 1e8))
    const next = sorted[k + 1]
    const hi = next ? BigInt(Math.round(next.aboveUsd * 1e8)) : totalUsd8
    const top = totalUsd8 < hi ? totalUsd8 : hi
    if (top > lo) charge += (top - lo) * BigInt(tier.addBps)
  }
  return Number(ceilDiv(charge, totalUsd8))
}

function staleCharge(updatedAtMs: number | undefined, nowMs: number, staleness: CollateralParams['staleness']): number {
  if (updatedAtMs === undefined) return 0
  const beyond = (nowMs - updatedAtMs) / 1000 - staleness.afterSeconds
  if (beyond <= 0) return 0
  return Math.min(staleness.maxBps, Math.ceil((staleness.bpsPerMinute * beyond) / 60))
}
