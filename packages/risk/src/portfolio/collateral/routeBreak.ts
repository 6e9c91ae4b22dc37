import { ceilDiv } from '../../math.js'
import type { CollateralRisk } from '../types.js'

/** The worst route-break scenario of an account. */
export type RouteBreak = {
  /** its loss, usd8, rounded up (0 without route-break items) */
  lossUsd8: bigint
  /** `route-break/<chainId>:<asset>`, null without route-break items */
  name: string | null
}

/**
 * Route-break scenarios, one per (chain, asset) holding an item with `routeBreakLossBps` > 0: every underlying and vol
 * flat, that (asset, chain) loses its configured fraction. At flat markets the grid revalues every other holding at
 * its current value (the grid keeps time to expiry), so a scenario's loss is exactly
 * `ceil(Σ amount·price·lossBps / (10^decimals·10 000))` over the items of that (chain, asset), one division, rounded
 * up. Liabilities are skipped (a broken route lowers what is owed). Returns the largest (first by name on ties).
 */
export function routeBreak(items: readonly CollateralRisk[]): RouteBreak {
  const groups = new Map<string, { num: bigint; decimals: number }>()
  for (const item of items) {
    const bps = item.routeBreakLossBps ?? 0
    if (bps <= 0 || item.amount <= 0n || item.priceUsd8 <= 0n) continue
    const key = `${item.chainId}:${item.asset.toLowerCase()}`
    const g = groups.get(key) ?? { num: 0n, decimals: item.decimals }
    // one asset has one decimals; rescale defensively to the larger
    const d = Math.max(g.decimals, item.decimals)
    g.num = g.num * 10n ** BigInt(d - g.decimals) + item.amount * item.priceUsd8 * BigInt(bps) * 10n ** BigInt(d - item.decimals)
    g.decimals = d
    groups.set(key, g)
  }
  let worst: RouteBreak = { lossUsd8: 0n, name: null }
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!
    const loss = ceilDiv(g.num, 10n ** BigInt(g.decimals) * 10_000n)
    if (loss > worst.lossUsd8) worst = { lossUsd8: loss, name: `route-break/${key}` }
  }
  return worst
}
