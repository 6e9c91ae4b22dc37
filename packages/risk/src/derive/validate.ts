import { DeriveRejectedError } from './errors.js'
import type { DeriveParameters, DeriveScenario } from './types.js'

const E = 10n ** 18n
type Bound = [path: string, value: bigint, min: bigint | null, max: bigint | null, contractError: string]

/**
 * Checks the parameters and scenarios against the bounds Derive's setters enforce (`PMRM_2.setScenarios`: 1 to 40
 * scenarios, at most one linear and one abs skew scenario, each with spot shock 1; `PMRMLib_2.set*Params`;
 * `setCollateralParameters`: IM + MM haircut ≤ 1). A case outside them cannot be configured on Derive.
 * @throws DeriveRejectedError naming the field and the contract error
 */
export function assertDeriveAccepts(scenario: DeriveScenario, parameters: DeriveParameters): void {
  const shocks = parameters.scenarios
  if (shocks.length === 0 || shocks.length > 40) {
    throw new DeriveRejectedError(
      'Parameters.Scenarios',
      'PMRM_2_InvalidScenarios',
      `expected 1 to 40 scenarios, got ${shocks.length}`,
    )
  }
  const seen = new Set<string>()
  shocks.forEach((s, i) => {
    if (s.volShock !== 'linear' && s.volShock !== 'abs') return
    const path = `Parameters.Scenarios[${i}]`
    if (seen.has(s.volShock))
      throw new DeriveRejectedError(path, 'PMRM_2_InvalidScenarios', `a second ${s.volShock} skew scenario`)
    if (s.spotShock !== E)
      throw new DeriveRejectedError(
        `${path}.SpotShock`,
        'PMRM_2_InvalidScenarios',
        'a skew scenario must have spot shock 1',
      )
    seen.add(s.volShock)
  })
  const { basis, other, margin, volShock: v, skew } = parameters
  const bounds: Bound[] = [
    [
      'BasisContingency.SCENARIO_SPOT_UP',
      basis.scenarioSpotUp,
      E + 1n,
      3n * E - 1n,
      'PMRML2_InvalidBasisContingencyParameters',
    ],
    [
      'BasisContingency.SCENARIO_SPOT_DOWN',
      basis.scenarioSpotDown,
      null,
      E - 1n,
      'PMRML2_InvalidBasisContingencyParameters',
    ],
    [
      'BasisContingency.BASIS_CONT_MULT_FACTOR',
      basis.multFactor,
      null,
      20n * E,
      'PMRML2_InvalidBasisContingencyParameters',
    ],
    [
      'BasisContingency.BASIS_CONT_ADD_FACTOR',
      basis.addFactor,
      null,
      20n * E,
      'PMRML2_InvalidBasisContingencyParameters',
    ],
    [
      'OtherContingency.PEG_LOSS_THRESHOLD',
      other.pegLossThreshold,
      null,
      100n * E,
      'PMRML2_InvalidOtherContingencyParameters',
    ],
    [
      'OtherContingency.PEG_LOSS_FACTOR',
      other.pegLossFactor,
      null,
      10n * E,
      'PMRML2_InvalidOtherContingencyParameters',
    ],
    ['OtherContingency.CONF_THRESHOLD', other.confThreshold, null, E, 'PMRML2_InvalidOtherContingencyParameters'],
    ['OtherContingency.CONF_MARGIN', other.confMargin, null, 20n * E, 'PMRML2_InvalidOtherContingencyParameters'],
    ['OtherContingency.MM_PERP_PERCENT', other.mmPerpPercent, null, 3n * E, 'PMRML2_InvalidOtherContingencyParameters'],
    ['OtherContingency.IM_PERP_PERCENT', other.imPerpPercent, null, 3n * E, 'PMRML2_InvalidOtherContingencyParameters'],
    [
      'OtherContingency.MM_OPTION_PERCENT',
      other.mmOptionPercent,
      null,
      2n * E,
      'PMRML2_InvalidOtherContingencyParameters',
    ],
    [
      'OtherContingency.IM_OPTION_PERCENT',
      other.imOptionPercent,
      null,
      2n * E,
      'PMRML2_InvalidOtherContingencyParameters',
    ],
    ['Margin.IM_LOSS_FACTOR', margin.imFactor, E / 2n, 10n * E, 'PMRML2_InvalidMarginParameters'],
    ['Margin.MM_LOSS_FACTOR', margin.mmFactor, E / 10n, 10n * E, 'PMRML2_InvalidMarginParameters'],
    ['Margin.SHORT_RATE_MULTSCALE', margin.shortRateMultScale, null, 10n * E, 'PMRML2_InvalidMarginParameters'],
    ['Margin.LONG_RATE_MULTSCALE', margin.longRateMultScale, null, 10n * E, 'PMRML2_InvalidMarginParameters'],
    ['Margin.SHORT_RATE_ADDSCALE', margin.shortRateAddScale, null, 10n * E, 'PMRML2_InvalidMarginParameters'],
    ['Margin.LONG_RATE_ADDSCALE', margin.longRateAddScale, null, 10n * E, 'PMRML2_InvalidMarginParameters'],
    ['Margin.BASE_STATIC_DISCOUNT_NEG', margin.shortBaseStaticDiscount, null, 4n * E, 'PMRML2_InvalidMarginParameters'],
    ['Margin.BASE_STATIC_DISCOUNT', margin.longBaseStaticDiscount, null, 4n * E, 'PMRML2_InvalidMarginParameters'],
    ['VolShock.VOLRANGEUP', v.volRangeUp, null, 10n * E, 'PMRML2_InvalidVolShockParameters'],
    ['VolShock.VOLRANGEDOWN', v.volRangeDown, null, 10n * E, 'PMRML2_InvalidVolShockParameters'],
    ['VolShock.SHORTTERMPOWER', v.shortTermPower, null, 10n * E, 'PMRML2_InvalidVolShockParameters'],
    ['VolShock.LONGTERMPOWER', v.longTermPower, null, 10n * E, 'PMRML2_InvalidVolShockParameters'],
    ['VolShock.DTE_FLOOR', v.dteFloorSec, null, 400n * 86_400n, 'PMRML2_InvalidVolShockParameters'],
    ['VolShock.MIN_VOL_EVAL_SHOCKED', v.minVolUpShock, null, 20n * E, 'PMRML2_InvalidVolShockParameters'],
    ['SkewShock.LINEAR_SCALE_CAP', skew.linearBaseCap, null, 10n * E, 'PMRML2_InvalidSkewShockParameters'],
    ['SkewShock.ABS_SCALE_CAP', skew.absBaseCap, null, 10n * E, 'PMRML2_InvalidSkewShockParameters'],
    ['SkewShock.LINEAR_CBASE', skew.linearCBase, -10n * E, 10n * E, 'PMRML2_InvalidSkewShockParameters'],
    ['SkewShock.ABS_CBASE', skew.absCBase, -10n * E, 10n * E, 'PMRML2_InvalidSkewShockParameters'],
    ['SkewShock.MIN_K_STAR', skew.minKStar, 0n, 10n * E, 'PMRML2_InvalidSkewShockParameters'],
    ['SkewShock.MIN_WIDTH_SCALE', skew.widthScale, 0n, 10n * E, 'PMRML2_InvalidSkewShockParameters'],
    ['SkewShock.VOL_PARAM_STATIC', skew.volParamStatic, 0n, 10n * E, 'PMRML2_InvalidSkewShockParameters'],
    ['SkewShock.VOL_PARAM_SCALE', skew.volParamScale, -20n * E, 20n * E, 'PMRML2_InvalidSkewShockParameters'],
  ]
  for (const [path, value, min, max, error] of bounds) {
    if ((min !== null && value < min) || (max !== null && value > max)) {
      throw new DeriveRejectedError(
        `Parameters.${path}`,
        error,
        `out of range [${min ?? '-'}, ${max ?? '-'}] (1e18 units)`,
      )
    }
  }
  scenario.collaterals.forEach((c, i) => {
    if (c.imHaircut + c.mmHaircut > E || c.mmHaircut > E) {
      throw new DeriveRejectedError(
        `Scenario.Collaterals[${i}]`,
        'PMRML2_InvalidCollateralParameters',
        'IM + MM haircut exceeds 1',
      )
    }
  })
}
