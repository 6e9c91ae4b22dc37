import { fromE18 } from './decimal.js'
import { mulDec } from './fixedPoint.js'
import { type DeriveContingencies, type DerivePortfolio, arrangeDerivePortfolio } from './portfolio.js'
import { addDerivePrecomputes } from './precompute.js'
import { deriveScenarioPnl } from './scenarioPnl.js'
import { type DeriveScreen, floatPortfolio, screenScenario } from './screen.js'
import type { DeriveParameters, DeriveScenario, DeriveScenarioShock } from './types.js'
import { assertDeriveAccepts } from './validate.js'

/** One scenario's P&L with a readable name. */
export type DeriveScenarioLoss = DeriveScenarioShock & {
  index: number
  /** e.g. `spot ×1.18 vol up damp 1` or `skew linear` */
  name: string
  /** P&L against MTM, 1e18 stable (negative = loss), before the loss factor */
  pnl: bigint
  /** false when `pnl` is the float64 estimate (`exactScenarios: 'worst'`, the default, of a scenario that cannot be the worst) */
  exact: boolean
  /** 0 when exact; for an estimate, a proven bound on |pnl − fixed-point P&L|, 1e18 (rounded up) */
  bound: bigint
}

/** Options of {@link deriveMargin}. */
export type DeriveMarginOptions = {
  /**
   * `worst` (default): every scenario is first estimated in float64 with a rigorous bound on its distance to the
   * fixed-point P&L (`screen.ts`, derivation in README.md), and only those that can be the worst are computed in fixed
   * point; MM, IM, the worst scenario and the contingencies are the same to the wei as with `all`, the other
   * scenarios' `pnl` are estimates (`exact: false`). `all`: every scenario P&L in fixed point, as the contract.
   */
  exactScenarios?: 'all' | 'worst'
}

/** Result of {@link deriveMargin}; amounts are 1e18 stable (USDC), signed. */
export type DeriveMarginResult = {
  /** maintenance margin: worst P&L · MM factor − MM contingencies + MTM; negative = below maintenance */
  mm: bigint
  /** initial margin: worst P&L · (IM factor + peg loss) − IM and MM contingencies + MTM */
  im: bigint
  /** cash + perp value + options + collateral */
  mtm: bigint
  cash: bigint
  /** unrealized perp P&L + funding */
  perpMtm: bigint
  optionMtm: bigint
  /** Σ amount · price / stablePrice */
  collateralMtm: bigint
  /** option MTM per expiry, in order of first appearance */
  expiries: {
    secToExpiry: bigint
    mtm: bigint
    volShockUp: bigint
    volShockDown: bigint
    staticDiscountPos: bigint
    staticDiscountNeg: bigint
  }[]
  scenarios: DeriveScenarioLoss[]
  /** the scenario that set the margin, or `basis` when the basis contingency is worse than every scenario */
  worst: { index: number; name: string; pnl: bigint }
  contingencies: DeriveContingencies
  mmFactor: bigint
  /** IM factor including the peg-loss add-on (stable below `PEG_LOSS_THRESHOLD`) */
  imFactor: bigint
}

/**
 * Derive's PMRM_2 portfolio margin of one account, computed as the contract does it to the wei (1e18 fixed point,
 * the same approximations for ln, exp, √ and the normal CDF). Source: derivexyz/v2-core `PMRMLib_2.sol`,
 * `PMRM_2.sol`, `docs/managers/PMRM.md` (method; see README.md in this folder).
 * @param scenario the account and market, as parsed by `parseDeriveCase`
 * @param parameters scenarios and risk parameters
 * @param options `exactScenarios: 'all'` computes every scenario in fixed point (default `worst`: only those that
 * can be the worst, the same MM, IM and worst scenario)
 * @returns MM, IM, MTMs, every scenario's P&L, the worst one and each contingency
 * @throws DeriveRejectedError when Derive's setters would reject the parameters; DeriveMathError where the contract
 * would revert (e.g. negative SVI variance)
 * @example
 * const c = parseDeriveCase(JSON.parse(readFileSync(file, 'utf8')))
 * const { mm, im } = deriveMargin(c.scenario, c.parameters) // 1e18 stable
 */
export function deriveMargin(
  scenario: DeriveScenario,
  parameters: DeriveParameters,
  options: DeriveMarginOptions = {},
): DeriveMarginResult {
  assertDeriveAccepts(scenario, parameters)
  const portfolio = addDerivePrecomputes(arrangeDerivePortfolio(scenario), parameters)
  const c = portfolio.contingencies
  let worst = { index: parameters.scenarios.length, name: 'basis', pnl: c.basis }
  const needed = exactlyNeeded(portfolio, parameters, options.exactScenarios ?? 'worst')
  const scenarios = parameters.scenarios.map((s, index) => {
    const screen = needed[index]
    const pnl =
      screen === undefined ? deriveScenarioPnl(portfolio, s, parameters) : BigInt(Math.round(screen.pnl * 1e18))
    const bound = screen === undefined ? 0n : boundInWei(screen)
    const loss = { ...s, index, name: scenarioName(s), pnl, exact: screen === undefined, bound }
    if (loss.exact && pnl < worst.pnl) worst = { index, name: loss.name, pnl }
    return loss
  })
  const { other, margin } = parameters
  let imFactor = margin.imFactor
  if (portfolio.stablePrice < other.pegLossThreshold)
    imFactor += mulDec(other.pegLossThreshold - portfolio.stablePrice, other.pegLossFactor)
  const mtm = portfolio.totalMtm + portfolio.cash
  const mm = mulDec(worst.pnl, margin.mmFactor) - c.mm + mtm
  const im = mulDec(worst.pnl, imFactor) - c.im - c.mm + mtm
  const optionMtm = portfolio.expiries.reduce((s, e) => s + e.mtm, 0n)
  return {
    mm,
    im,
    mtm,
    cash: portfolio.cash,
    perpMtm: portfolio.perpValue,
    optionMtm,
    collateralMtm: portfolio.collaterals.reduce((s, x) => s + x.value, 0n),
    expiries: portfolio.expiries.map((e) => ({
      secToExpiry: e.secToExpiry,
      mtm: e.mtm,
      volShockUp: e.volShockUp,
      volShockDown: e.volShockDown,
      staticDiscountPos: e.staticDiscountPos,
      staticDiscountNeg: e.staticDiscountNeg,
    })),
    scenarios,
    worst,
    contingencies: c,
    mmFactor: margin.mmFactor,
    imFactor,
  }
}

/**
 * The screening bound in wei, rounded up, covering the estimate's rounding to the wei too (½ wei, and the float
 * product estimate · 1e18: 2u relative).
 */
function boundInWei(x: DeriveScreen): bigint {
  return BigInt(Math.ceil(x.bound * 1e18 * (1 + 2 ** -50) + Math.abs(x.pnl) * 1e18 * 2 ** -51)) + 1n
}

/**
 * Per scenario, `undefined` when it must be computed exactly, else its float64 screen. With `worst`, every scenario
 * x has an estimate e(x) and a bound b(x) ≥ |e(x) − exact(x)|; the ceiling min over x of e(x) + 2·b(x) is above the
 * exact P&L of some scenario, so a scenario y with e(y) − 2·b(y) > ceiling has exact(y) > that P&L and cannot be the
 * (first) worst. The factor 2 is slack over the bound. A NaN estimate or an infinite bound makes the scenario exact.
 */
function exactlyNeeded(
  portfolio: DerivePortfolio,
  parameters: DeriveParameters,
  mode: 'all' | 'worst',
): (DeriveScreen | undefined)[] {
  if (mode === 'all') return []
  const view = floatPortfolio(portfolio, parameters)
  const screens = parameters.scenarios.map((s) => screenScenario(view, s))
  let ceiling = Number.POSITIVE_INFINITY
  for (const x of screens) if (x.pnl + 2 * x.bound < ceiling) ceiling = x.pnl + 2 * x.bound
  if (!Number.isFinite(ceiling)) return []
  return screens.map((x) => (Number.isFinite(x.pnl) && Number.isFinite(x.bound) && x.pnl - 2 * x.bound > ceiling ? x : undefined))
}

const names = new WeakMap<DeriveScenarioShock, string>()

/** Short readable name of a scenario (remembered per scenario object: parameter sets are reused across accounts). */
export function scenarioName(s: DeriveScenarioShock): string {
  let name = names.get(s)
  if (name === undefined) {
    name = nameOf(s)
    names.set(s, name)
  }
  return name
}

function nameOf(s: DeriveScenarioShock): string {
  if (s.volShock === 'linear' || s.volShock === 'abs') return `skew ${s.volShock}`
  const f = (x: bigint) => String(Number(fromE18(x).toPrecision(12)))
  return `spot ×${f(s.spotShock)} vol ${s.volShock} damp ${f(s.dampening)}`
}
