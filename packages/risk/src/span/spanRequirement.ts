import { SPAN_EXTREME_COVER_FRACTION, SPAN_SCENARIO_COUNT } from './scenarios.js'

export type SpanRequirementParameters = {
  /** one 16-value risk array per position, for one contract, in currency */
  riskArrays: readonly (readonly number[])[]
  /** signed contract count per position (negative = short); default 1 each */
  quantities?: readonly number[]
  /**
   * `'loss-positive'`: the CME/SPAN file convention (a positive value is a loss);
   * `'profit-positive'`: the textbook convention (McMillan's tables, the shared reference file).
   */
  sign: 'loss-positive' | 'profit-positive'
  /**
   * `'included'` (default): scenarios 15-16 already hold 35% of the extreme-move loss, as CME publishes risk arrays;
   * `'apply'`: they hold the full extreme-move P&L and are multiplied by 0.35 here.
   */
  extremeWeighting?: 'included' | 'apply'
  /** intra-commodity (calendar) spread and delivery charges, currency, ≥ 0; default 0 */
  spreadCharge?: number
  /** inter-commodity spread credit, currency, ≥ 0; default 0 */
  interCommodityCredit?: number
  /** short option minimum (rate × number of short options), currency, ≥ 0; default 0 */
  shortOptionMinimum?: number
}

export type SpanRequirement = {
  /** loss (+) or gain (−) of the whole portfolio in each of the 16 scenarios, weighted, currency */
  scenarioLosses: number[]
  /** largest weighted loss over the scenarios, ≥ 0 (0 when every scenario gains) */
  scanRisk: number
  /** 1-based number of the scenario that sets `scanRisk` (the first one on ties); `null` when no scenario loses */
  worstScenario: number | null
  /** max(scanRisk + spreadCharge − interCommodityCredit, shortOptionMinimum), ≥ 0, currency */
  requirement: number
}

/**
 * SPAN risk requirement of one combined commodity (CME Group, *SPAN Methodology Overview*; McMillan, *Options as a
 * Strategic Investment*, ch. 34): the risk arrays are summed position by position, weighted by signed quantity; the
 * scan risk is the largest loss over the 16 scenarios, the extreme scenarios 15-16 counting at 35%; the requirement
 * is max(scan risk + spread charges − inter-commodity credit, short option minimum). Net option value (premium-style
 * options) is not deducted here; add it where premiums are paid up front.
 * @returns the scenario losses, scan risk, worst scenario and requirement, in the risk arrays' currency
 * @throws {RangeError} when a risk array does not have 16 finite values, the quantities do not match the positions,
 *   or a charge is negative or not finite
 * @example spanRequirement({ riskArrays: [future, call], quantities: [1, -1], sign: 'profit-positive' }).requirement
 */
export function spanRequirement(parameters: SpanRequirementParameters): SpanRequirement {
  const { riskArrays, sign } = parameters
  const quantities = parameters.quantities ?? riskArrays.map(() => 1)
  if (quantities.length !== riskArrays.length) {
    throw new RangeError(`The quantities (${quantities.length}) do not match the risk arrays (${riskArrays.length}).`)
  }
  if (sign !== 'loss-positive' && sign !== 'profit-positive') throw new RangeError(`The sign convention (${sign}) is not known.`)
  const extremeWeighting = parameters.extremeWeighting ?? 'included'
  if (extremeWeighting !== 'included' && extremeWeighting !== 'apply') {
    throw new RangeError(`The extreme weighting (${extremeWeighting}) is not known.`)
  }
  const spreadCharge = nonNegative('spread charge', parameters.spreadCharge ?? 0)
  const interCommodityCredit = nonNegative('inter-commodity credit', parameters.interCommodityCredit ?? 0)
  const shortOptionMinimum = nonNegative('short option minimum', parameters.shortOptionMinimum ?? 0)

  const scenarioLosses = new Array<number>(SPAN_SCENARIO_COUNT).fill(0)
  for (const [p, array] of riskArrays.entries()) {
    const quantity = quantities[p]!
    if (!Number.isFinite(quantity)) throw new RangeError(`The quantity of position ${p} (${quantity}) is not a finite number.`)
    if (array.length !== SPAN_SCENARIO_COUNT) {
      throw new RangeError(`The risk array of position ${p} has ${array.length} values, not ${SPAN_SCENARIO_COUNT}.`)
    }
    for (const [s, value] of array.entries()) {
      if (!Number.isFinite(value)) throw new RangeError(`Scenario ${s + 1} of position ${p} (${value}) is not a finite number.`)
      scenarioLosses[s]! += quantity * (sign === 'loss-positive' ? value : -value)
    }
  }
  if (extremeWeighting === 'apply') {
    scenarioLosses[14]! *= SPAN_EXTREME_COVER_FRACTION
    scenarioLosses[15]! *= SPAN_EXTREME_COVER_FRACTION
  }
  for (const [s, loss] of scenarioLosses.entries()) scenarioLosses[s] = loss + 0 // no −0 in the output
  let scanRisk = 0
  let worstScenario: number | null = null
  for (const [s, loss] of scenarioLosses.entries()) {
    if (loss > scanRisk) {
      scanRisk = loss
      worstScenario = s + 1
    }
  }
  const requirement = Math.max(0, scanRisk + spreadCharge - interCommodityCredit, shortOptionMinimum)
  return { scenarioLosses, scanRisk, worstScenario, requirement }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`The ${name} (${value}) must be a finite number ≥ 0.`)
  return value
}
