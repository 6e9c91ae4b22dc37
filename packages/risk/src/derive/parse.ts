import { DeriveCaseError } from './errors.js'
import { parseDeriveParameters } from './parseParameters.js'
import { parseDeriveScenario } from './parseScenario.js'
import { JsonReader } from './read.js'
import type { DeriveCase, DeriveExpected } from './types.js'
import { toE18 } from './decimal.js'

/**
 * Reads a Derive-format PMRM_2 case (the JSON of derivexyz/v2-core `test/risk-managers/unit-tests/PMRM_2/
 * portfolio_cases/`): `Scenario`, `Parameters` and, when present, the reference `Result`. Decimals become 1e18 fixed
 * point truncated past 18 decimals, as Derive's runner reads them.
 * @param json the parsed JSON value
 * @throws DeriveCaseError whose `path` names the missing or malformed field
 * @example parseDeriveCase(JSON.parse(readFileSync('test_1_collateral_cash_only.json', 'utf8')))
 */
export function parseDeriveCase(json: unknown): DeriveCase {
  const root = JsonReader.of(json, '')
  const scenario = parseDeriveScenario(root.raw('Scenario'))
  const parameters = parseDeriveParameters(root.raw('Parameters'))
  if (root.value.Result === undefined) return { scenario, parameters }
  return { scenario, parameters, expected: parseExpected(root.object('Result')) }
}

function parseExpected(r: JsonReader): DeriveExpected {
  const losses = (key: string, column: number) =>
    r.array(key, true).map((row, i) => {
      const path = `${r.at(key)}[${i}]`
      if (!Array.isArray(row) || row.length <= column)
        throw new DeriveCaseError(path, `expected a row with at least ${column + 1} values`)
      return toE18(row[column], `${path}[${column}]`)
    })
  return {
    mm: r.e18('MM'),
    im: r.e18('IM'),
    collateralMtm: r.e18('CollateralMTM'),
    optionMtm: r.e18('OptionMTM'),
    regLosses: losses('reg_losses', 2),
    tailLosses: losses('tail_losses', 2),
    skewLosses: losses('skew_losses', 1),
  }
}
