import { fromE18 } from './decimal.js'
import { type DeriveMarginOptions, type DeriveMarginResult, deriveMargin } from './margin.js'
import type { DeriveCase } from './types.js'

/** Derive's own tolerance: 1e-8 relative (MM, IM, losses, option MTM), 1e-8 absolute (collateral MTM). */
export const DERIVE_TOLERANCE = 1e-8
/** Below this magnitude (1e-10) a scenario loss is compared absolutely, as Derive's runner does. */
const SMALL = 10n ** 8n

/** One compared figure. */
export type DeriveCheckedField = {
  /** `MM`, `IM`, `OptionMTM`, `CollateralMTM`, `reg_losses[3]`, `tail_losses[0]`, `skew_losses[1]` */
  field: string
  ours: bigint
  expected: bigint
  /** |ours − expected| / |expected| (relative) or |ours − expected| (absolute), as a float */
  error: number
  kind: 'relative' | 'absolute'
  ok: boolean
}

/** Result of {@link checkDeriveCase}. */
export type DeriveCheck = {
  result: DeriveMarginResult
  fields: DeriveCheckedField[]
  /** largest relative error over MM, IM and every scenario loss */
  maxRelativeError: number
  ok: boolean
}

/**
 * Margins a parsed case and compares it with the case's `Result` the way Derive's Foundry runner does
 * (`TestPMRM_2_PortfolioCasesNEW.t.sol`): scenario i is `reg_losses[i]`, then `tail_losses`, then `skew_losses`.
 * With the default options the scenarios that cannot be the worst are float64 estimates within a proven bound of
 * the fixed-point figure (`deriveMargin`'s `exactScenarios: 'worst'`); an estimate counts as within tolerance only if
 * both ends of its bound are, else the case is margined again with every scenario exact. `{ exactScenarios: 'all' }`
 * compares every scenario loss computed in fixed point.
 * @throws Error when the case has no `Result` or the loss rows do not match the scenario count
 */
export function checkDeriveCase(
  c: DeriveCase,
  tolerance = DERIVE_TOLERANCE,
  options: DeriveMarginOptions = {},
): DeriveCheck {
  const x = c.expected
  if (x === undefined) throw new Error('The case has no Result to compare with.')
  let result = deriveMargin(c.scenario, c.parameters, options)
  const rows = [
    ...x.regLosses.map((v, i) => [`reg_losses[${i}]`, v] as const),
    ...x.tailLosses.map((v, i) => [`tail_losses[${i}]`, v] as const),
    ...x.skewLosses.map((v, i) => [`skew_losses[${i}]`, v] as const),
  ]
  if (rows.length !== result.scenarios.length) {
    throw new Error(`Result has ${rows.length} scenario losses for ${result.scenarios.length} scenarios.`)
  }
  const fields: DeriveCheckedField[] = [
    relative('MM', result.mm, x.mm, tolerance),
    relative('IM', result.im, x.im, tolerance),
    relative('OptionMTM', result.optionMtm, x.optionMtm, tolerance),
    absolute('CollateralMTM', result.collateralMtm, x.collateralMtm, tolerance),
  ]
  // an estimated loss passes only when every value within its bound would: otherwise it is computed exactly
  const inconclusive = rows.some(([, expected], i) => {
    const s = result.scenarios[i]!
    if (s.exact) return false
    const near = [s.pnl - s.bound, s.pnl + s.bound].map((v) => compare('', v, expected, tolerance))
    return !near.every((f) => f.ok)
  })
  if (inconclusive) result = deriveMargin(c.scenario, c.parameters, { ...options, exactScenarios: 'all' })
  rows.forEach(([field, expected], i) => {
    fields.push(compare(field, result.scenarios[i]!.pnl, expected, tolerance))
  })
  const scored = fields.filter((f) => f.field !== 'OptionMTM' && f.field !== 'CollateralMTM')
  const maxRelativeError = Math.max(0, ...scored.map((f) => (f.kind === 'relative' ? f.error : 0)))
  return { result, fields, maxRelativeError, ok: fields.every((f) => f.ok) }
}

/** A scenario loss against the file's: absolute below 1e-10 (either side), relative above, as Derive's runner. */
function compare(field: string, ours: bigint, expected: bigint, tolerance: number): DeriveCheckedField {
  const small = (v: bigint) => v < SMALL && v > -SMALL
  return small(ours) || small(expected)
    ? absolute(field, ours, expected, tolerance)
    : relative(field, ours, expected, tolerance)
}

function relative(field: string, ours: bigint, expected: bigint, tolerance: number): DeriveCheckedField {
  const diff = ours > expected ? ours - expected : expected - ours
  const base = expected < 0n ? -expected : expected
  const error = base === 0n ? (diff === 0n ? 0 : Number.POSITIVE_INFINITY) : fromE18(diff) / fromE18(base)
  return { field, ours, expected, error, kind: 'relative', ok: error <= tolerance }
}

function absolute(field: string, ours: bigint, expected: bigint, tolerance: number): DeriveCheckedField {
  const error = fromE18(ours > expected ? ours - expected : expected - ours)
  return { field, ours, expected, error, kind: 'absolute', ok: error <= tolerance }
}
