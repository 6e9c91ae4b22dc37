import { ceilDiv, min } from '../math.js'
import type { LiquidationCollateralInput, PlannedSeizure } from './types.js'

/**
 * Seizure order: most liquid first (`liquidityRank` ascending, unranked last), then lowest haircut, then chain id,
 * then symbol and asset address, so the plan is the same whatever order the balances come in.
 */
export function seizureOrder(collateral: readonly LiquidationCollateralInput[]): LiquidationCollateralInput[] {
  const rank = (c: LiquidationCollateralInput) => c.liquidityRank ?? Number.POSITIVE_INFINITY
  return collateral
    .filter((c) => c.amount > 0n && c.priceUsd8 > 0n)
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        a.haircutBps - b.haircutBps ||
        a.chainId - b.chainId ||
        compare(a.symbol, b.symbol) ||
        compare(a.asset.toLowerCase(), b.asset.toLowerCase()),
    )
}

/**
 * Picks collateral worth `debtUsd8` at oracle value (no haircut) in `seizureOrder`. Each amount is rounded up so it
 * covers what is left of the debt, but never above the balance; its value is rounded down. The total value therefore
 * exceeds the debt by less than one base unit of the last asset seized. A balance worth less than 1 usd8 is skipped
 * (seizing it would credit nothing).
 * @returns the seizures, their value, the debt they leave uncovered (usd8) and the balances left (same items in the
 *   same order, amounts reduced)
 */
export function seizeCollateral(
  collateral: readonly LiquidationCollateralInput[],
  debtUsd8: bigint,
): { seizures: PlannedSeizure[]; seizedValueUsd8: bigint; uncoveredUsd8: bigint; remainingCollateral: LiquidationCollateralInput[] } {
  const seizures: PlannedSeizure[] = []
  let remaining = debtUsd8 > 0n ? debtUsd8 : 0n
  let seizedValueUsd8 = 0n
  const taken = new Map<LiquidationCollateralInput, bigint>()
  for (const item of seizureOrder(collateral)) {
    if (remaining === 0n) break
    const scale = 10n ** BigInt(item.decimals)
    const amount = min(ceilDiv(remaining * scale, item.priceUsd8), item.amount)
    const valueUsd8 = (amount * item.priceUsd8) / scale
    if (valueUsd8 === 0n) continue
    seizures.push({ chainId: item.chainId, symbol: item.symbol, asset: item.asset, amount, valueUsd8 })
    seizedValueUsd8 += valueUsd8
    taken.set(item, amount)
    remaining -= min(valueUsd8, remaining)
  }
  const remainingCollateral = collateral.map((c) => {
    const amount = taken.get(c)
    return amount === undefined ? c : { ...c, amount: c.amount - amount }
  })
  return { seizures, seizedValueUsd8, uncoveredUsd8: remaining, remainingCollateral }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
