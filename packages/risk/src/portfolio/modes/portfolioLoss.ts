import type { InstrumentRisk } from '../instruments/instrumentRisk.js'

/**
 * What the scenario side reads of a holding: a netted position (`NettedPosition`) or a risk-cancelling collateral
 * item (`collateralHoldings`: a delta-one row, no contingency, no strike group).
 */
export type ScenarioHolding = {
  qty: number
  risk: Pick<InstrumentRisk, 'row' | 'contingencyPerUnit' | 'strikeGroup' | 'nakedShortPerUnit' | 'underlyingIndex'> & {
    valuation: { value: number; spot: number; greeks: { deltaUsd: number } }
  }
}

/** The scenario side of portfolio margin for one account. */
export type PortfolioLoss = {
  /** counted P&L per scenario, USD */
  pnl: Float64Array
  /** scenario with the lowest counted P&L (first in name order on ties); −1 without positions */
  worstIndex: number
  /** max(0, −pnl[worstIndex]), USD */
  worstLoss: number
  /** Σ |qty|·contingencyPerUnit + Σ over strike groups of max(0, −net)·nakedShortPerUnit, USD */
  contingency: number
  /** per holding: its loss in the worst scenario plus its contingencies (sums to worstLoss + contingency when worstLoss > 0) */
  contributions: Float64Array
  /** Σ |qty|·(|value| + spot): the scale of the float sums, for the rounding slack */
  gross: number
}

/**
 * Worst counted loss over the scenario grid plus contingencies (Deribit PM: risk-matrix max loss + contingency):
 * pnl[s] = Σ_i qty_i · row_i[s] (rows are already weighted, so SPAN's 35% extremes count at 35%), summed in position
 * order (positions, then risk-cancelling collateral); worstLoss = max(0, −min_s pnl[s]). Pure float64.
 * @param positions netted positions (one per instrument), then the scenario collateral holdings
 * @param scenarioCount S
 */
export function portfolioLoss(positions: readonly ScenarioHolding[], scenarioCount: number): PortfolioLoss {
  const S = scenarioCount
  const pnl = new Float64Array(S)
  let gross = 0
  let contingency = 0
  const contributions = new Float64Array(positions.length)
  const groups = new Map<string, { net: number; rate: number; members: number[] }>()
  positions.forEach(({ risk, qty }, i) => {
    const row = risk.row
    for (let s = 0; s < S; s++) pnl[s] = pnl[s]! + qty * row[s]!
    const own = Math.abs(qty) * risk.contingencyPerUnit
    contingency += own
    contributions[i] = own
    gross += Math.abs(qty) * (Math.abs(risk.valuation.value) + risk.valuation.spot)
    if (risk.strikeGroup) {
      const g = groups.get(risk.strikeGroup) ?? { net: 0, rate: risk.nakedShortPerUnit, members: [] }
      g.net += qty
      g.members.push(i)
      groups.set(risk.strikeGroup, g)
    }
  })
  for (const g of groups.values()) {
    if (g.net >= 0) continue
    const charge = -g.net * g.rate
    contingency += charge
    const shorts = g.members.filter((i) => positions[i]!.qty < 0)
    const shortTotal = shorts.reduce((t, i) => t - positions[i]!.qty, 0)
    for (const i of shorts) contributions[i] = contributions[i]! + (charge * -positions[i]!.qty) / shortTotal
  }
  let worstIndex = -1
  let worst = Number.POSITIVE_INFINITY
  if (positions.length > 0) {
    for (let s = 0; s < S; s++) {
      if (pnl[s]! < worst) {
        worst = pnl[s]!
        worstIndex = s
      }
    }
  }
  const worstLoss = worstIndex < 0 ? 0 : Math.max(0, -worst)
  if (worstLoss > 0) {
    positions.forEach(({ risk, qty }, i) => {
      contributions[i] = contributions[i]! - qty * risk.row[worstIndex]!
    })
  }
  return { pnl, worstIndex, worstLoss, contingency, contributions, gross }
}
