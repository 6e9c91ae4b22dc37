import { SPAN_SCENARIO_COUNT } from './scenarios.js'

export type SpanPriceRisk = {
  /** average loss of scenarios 1-2 (price and vol unchanged in both but for the vol scan), currency, signed */
  timeRisk: number
  /** half the gap between the worst scenario and its pair (same price move, opposite vol move), currency, ≥ 0 */
  volatilityRisk: number
  /** max(0, scan risk − time risk − volatility risk), currency */
  priceRisk: number
}

/**
 * Splits a combined commodity's scan risk into time, volatility and price risk, the way SPAN sizes the price risk
 * an inter-commodity spread may offset (CME Group, *CME SPAN Methodology Overview*, "Inter-Commodity Spread
 * Credits": the credit is a rate of the weighted futures price risk = price risk / net delta). Scenarios 15-16 have
 * no pair (their volatility risk is 0). For futures alone every term but the price risk is 0.
 * @param scenarioLosses the 16 summed scenario losses (loss positive)
 * @param scanRisk the largest of them (≥ 0); `worstScenario` its 1-based number, null when nothing loses
 * @throws {RangeError} when there are not 16 losses
 */
export function spanPriceRisk(scenarioLosses: readonly number[], scanRisk: number, worstScenario: number | null): SpanPriceRisk {
  if (scenarioLosses.length !== SPAN_SCENARIO_COUNT) throw new RangeError(`Expected ${SPAN_SCENARIO_COUNT} scenario losses, got ${scenarioLosses.length}.`)
  const timeRisk = (scenarioLosses[0]! + scenarioLosses[1]!) / 2
  let volatilityRisk = 0
  if (worstScenario !== null && worstScenario <= 14) {
    const pair = worstScenario % 2 === 1 ? worstScenario + 1 : worstScenario - 1
    volatilityRisk = Math.max(0, (scenarioLosses[worstScenario - 1]! - scenarioLosses[pair - 1]!) / 2)
  }
  return { timeRisk, volatilityRisk, priceRisk: Math.max(0, scanRisk - timeRisk - volatilityRisk) }
}
