/** One scenario holding as the diversification cap reads it: units, counted P&L per unit per scenario, underlying. */
export type UnderlyingHolding = { qty: number; row: ArrayLike<number>; underlyingIndex: number }

/**
 * Each underlying's worst counted loss over the grid with the other underlyings held flat: for underlying u,
 * `L_u = max(0, −min_s Σ_{i on u} qty_i · row_i[s])`, summed in holding order. A row depends only on its own
 * underlying's move in scenario s, so leaving the other holdings out is holding them flat. Pure float64.
 * @param holdings netted positions then risk-cancelling collateral, in the order `portfolioLoss` sums them
 * @param underlyingCount U (indices 0..U−1)
 * @param scenarioCount S
 * @returns L_u per underlying index, USD (0 for an underlying without holdings)
 */
export function underlyingWorstLosses(holdings: readonly UnderlyingHolding[], underlyingCount: number, scenarioCount: number): Float64Array {
  const S = scenarioCount
  const pnl = new Float64Array(underlyingCount * S)
  const held = new Uint8Array(underlyingCount)
  for (const { qty, row, underlyingIndex: u } of holdings) {
    held[u] = 1
    const at = u * S
    for (let s = 0; s < S; s++) pnl[at + s] = pnl[at + s]! + qty * row[s]!
  }
  const out = new Float64Array(underlyingCount)
  for (let u = 0; u < underlyingCount; u++) {
    if (held[u] === 0) continue
    let min = Number.POSITIVE_INFINITY
    for (let s = 0; s < S; s++) if (pnl[u * S + s]! < min) min = pnl[u * S + s]!
    out[u] = min < 0 ? -min : 0
  }
  return out
}
