import { DeriveCaseError } from './errors.js'
import { JsonReader } from './read.js'
import type { DeriveParameters, DeriveScenarioShock, DeriveVolShock } from './types.js'

const DAY = 86_400n
const UNIT = 10n ** 18n
const VOL_SHOCKS: Record<string, DeriveVolShock> = {
  Up: 'up',
  Down: 'down',
  None: 'none',
  LINEAR: 'linear',
  ABS: 'abs',
}

/** Reads `Parameters` of a Derive case file (field names as in the file). @throws DeriveCaseError naming the field */
export function parseDeriveParameters(value: unknown, path = 'Parameters'): DeriveParameters {
  const p = JsonReader.of(value, path)
  const scenarios = p.array('Scenarios').map((v, i) => parseShock(JsonReader.of(v, `${p.at('Scenarios')}[${i}]`)))
  const vol = p.object('VolShock')
  const margin = p.object('Margin')
  const basis = p.object('BasisContingency')
  const other = p.object('OtherContingency')
  const skew = p.object('SkewShock')
  return {
    scenarios,
    volShock: {
      volRangeUp: vol.e18NonNegative('VOLRANGEUP'),
      volRangeDown: vol.e18NonNegative('VOLRANGEDOWN'),
      shortTermPower: vol.e18('SHORTTERMPOWER'),
      longTermPower: vol.e18('LONGTERMPOWER'),
      dteFloorSec: (vol.e18NonNegative('DTE_FLOOR') * DAY) / UNIT,
      minVolUpShock: vol.e18NonNegative('MIN_VOL_EVAL_SHOCKED'),
    },
    margin: {
      imFactor: margin.e18NonNegative('IM_LOSS_FACTOR'),
      mmFactor: margin.e18NonNegative('MM_LOSS_FACTOR'),
      shortRateMultScale: margin.e18NonNegative('SHORT_RATE_MULTSCALE'),
      longRateMultScale: margin.e18NonNegative('LONG_RATE_MULTSCALE'),
      shortRateAddScale: margin.e18NonNegative('SHORT_RATE_ADDSCALE'),
      longRateAddScale: margin.e18NonNegative('LONG_RATE_ADDSCALE'),
      shortBaseStaticDiscount: margin.e18NonNegative('BASE_STATIC_DISCOUNT_NEG'),
      longBaseStaticDiscount: margin.e18NonNegative('BASE_STATIC_DISCOUNT'),
    },
    basis: {
      scenarioSpotUp: basis.e18NonNegative('SCENARIO_SPOT_UP'),
      scenarioSpotDown: basis.e18NonNegative('SCENARIO_SPOT_DOWN'),
      addFactor: basis.e18NonNegative('BASIS_CONT_ADD_FACTOR'),
      multFactor: basis.e18NonNegative('BASIS_CONT_MULT_FACTOR'),
    },
    other: {
      pegLossThreshold: other.e18NonNegative('PEG_LOSS_THRESHOLD'),
      pegLossFactor: other.e18NonNegative('PEG_LOSS_FACTOR'),
      confThreshold: other.e18NonNegative('CONF_THRESHOLD'),
      confMargin: other.e18NonNegative('CONF_MARGIN'),
      mmPerpPercent: other.e18NonNegative('MM_PERP_PERCENT'),
      imPerpPercent: other.e18NonNegative('IM_PERP_PERCENT'),
      mmOptionPercent: other.e18NonNegative('MM_OPTION_PERCENT'),
      imOptionPercent: other.e18NonNegative('IM_OPTION_PERCENT'),
    },
    skew: {
      linearBaseCap: skew.e18NonNegative('LINEAR_SCALE_CAP'),
      absBaseCap: skew.e18NonNegative('ABS_SCALE_CAP'),
      linearCBase: skew.e18('LINEAR_CBASE'),
      absCBase: skew.e18('ABS_CBASE'),
      minKStar: skew.e18('MIN_K_STAR'),
      widthScale: skew.e18('MIN_WIDTH_SCALE'),
      volParamStatic: skew.e18('VOL_PARAM_STATIC'),
      volParamScale: skew.e18('VOL_PARAM_SCALE'),
    },
  }
}

function parseShock(s: JsonReader): DeriveScenarioShock {
  const direction = s.string('VolShockDirection')
  const volShock = VOL_SHOCKS[direction]
  if (volShock === undefined) {
    throw new DeriveCaseError(
      s.at('VolShockDirection'),
      `expected one of ${Object.keys(VOL_SHOCKS).join(', ')}, got "${direction}"`,
    )
  }
  return { spotShock: s.e18NonNegative('SpotShock'), volShock, dampening: s.e18NonNegative('DampeningFactor') }
}
