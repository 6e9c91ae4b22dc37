import fc from 'fast-check'
import { parseDeriveParameters } from '../parseParameters.js'
import type { DeriveParameters, DeriveScenario, DeriveScenarioShock } from '../types.js'
import { DERIVE_STANDARD_PARAMETERS } from './standardParameters.js'

/**
 * fast-check arbitraries of Derive PMRM_2 accounts and parameters for property tests: up to 100 balances (options over
 * 1-4 expiries with skewed SVI surfaces, a perp, up to 2 collaterals), parameters anywhere in the ranges Derive's
 * setters accept (`validate.ts`), Derive's standard scenario list or a random one, and near-ties: scenarios repeated
 * with the spot shock or dampening moved by a few wei, and accounts without options whose vol shocks tie exactly.
 */

const E = 10n ** 18n
const YEAR = 31_536_000

/** A decimal in [min, max] with `digits` decimals, as 1e18 fixed point. */
const dec = (min: number, max: number, digits = 8) =>
  fc
    .integer({ min: Math.round(min * 10 ** digits), max: Math.round(max * 10 ** digits) })
    .map((n) => BigInt(n) * 10n ** BigInt(18 - digits))
const f = (x: bigint) => Number(x) / 1e18

const feedArb = (secToExpiry: number) =>
  fc
    .record({
      forward: dec(0.5, 100_000, 6),
      rate: dec(-0.05, 0.4),
      forwardConfidence: dec(0.3, 1, 4),
      rateConfidence: dec(0.3, 1, 4),
      volConfidence: dec(0.3, 1, 4),
      atmVol: fc.double({ min: 0.05, max: 3, noNaN: true }),
      wingB: fc.double({ min: 0, max: 1.5, noNaN: true }),
      rho: fc.double({ min: -0.95, max: 0.95, noNaN: true }),
      m: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
      sigma: fc.double({ min: 0.005, max: 0.8, noNaN: true }),
      sviForwardShift: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
    })
    .map((x) => {
      const tau = secToExpiry / YEAR
      const e18 = (v: number) => BigInt(Math.round(v * 1e12)) * 10n ** 6n
      return {
        secToExpiry: BigInt(secToExpiry),
        forward: x.forward,
        forwardConfidence: x.forwardConfidence,
        rate: x.rate,
        rateConfidence: x.rateConfidence,
        volConfidence: x.volConfidence,
        // a, b ≥ 0 and |ρ| < 1 keep w = a + b(ρ(k − m) + √((k − m)² + σ²)) ≥ a > 0: no revert
        svi: {
          a: e18(x.atmVol ** 2 * tau * 0.7),
          b: e18(x.wingB * Math.sqrt(tau) * 0.3),
          rho: e18(x.rho),
          m: e18(x.m),
          sigma: e18(x.sigma),
          forward: BigInt(Math.round(f(x.forward) * (1 + x.sviForwardShift) * 1e6)) * 10n ** 12n,
          tau: e18(tau),
        },
      }
    })

/** Seconds to expiry: mostly days to a year, some in the last 30 minutes (the settlement blend of the forward). */
const expiryArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 3_600, max: 400 * 86_400 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_799 }) },
)

const optionArb = (expiries: number) =>
  fc.record({
    expiry: fc.integer({ min: 0, max: expiries - 1 }),
    // log-moneyness: mostly near the money, some far in the wings, some strikes exactly at the forward
    logMoneyness: fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: -0.6, max: 0.6, noNaN: true }) },
      { weight: 2, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) },
      { weight: 1, arbitrary: fc.constant(0) },
    ),
    isCall: fc.boolean(),
    amount: dec(-50, 50, 2),
  })

const collateralArb = fc
  .record({
    amount: dec(0, 1_000_000, 4),
    price: dec(0.5, 100_000, 6),
    confidence: dec(0.3, 1, 4),
    isRiskCancelling: fc.boolean(),
    mm: fc.integer({ min: 0, max: 100 }),
    im: fc.integer({ min: 0, max: 100 }),
  })
  .map((c) => ({
    name: 'C',
    amount: c.amount,
    price: c.price,
    confidence: c.confidence,
    isRiskCancelling: c.isRiskCancelling,
    // IM + MM haircut ≤ 1 (setCollateralParameters)
    mmHaircut: (BigInt(Math.min(c.mm, 100)) * E) / 100n,
    imHaircut: (BigInt(Math.min(c.im, 100 - c.mm)) * E) / 100n,
  }))

/** A Derive account of up to 100 balances (options + perp + collaterals). */
export const deriveScenarioArb: fc.Arbitrary<DeriveScenario> = fc
  .uniqueArray(expiryArb, { minLength: 1, maxLength: 4 })
  .chain((secs) =>
    fc.record({
      feeds: fc.tuple(...secs.map(feedArb)),
      options: fc.oneof(
        { weight: 1, arbitrary: fc.constant<{ expiry: number; logMoneyness: number; isCall: boolean; amount: bigint }[]>([]) },
        { weight: 6, arbitrary: fc.array(optionArb(secs.length), { maxLength: 96, size: 'max' }) },
      ),
      collaterals: fc.array(collateralArb, { maxLength: 2 }),
      perp: fc.oneof(fc.constant(0n), dec(-200, 200, 3)),
      perpBasis: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
      cash: dec(-1_000_000, 1_000_000, 2),
      spotConfidence: dec(0.3, 1, 4),
      perpConfidence: dec(0.3, 1, 4),
      unrealized: dec(-10_000, 10_000, 4),
      funding: dec(-1_000, 1_000, 4),
      stablePrice: dec(0.9, 1.01, 6),
    }),
  )
  .map((x) => {
    const spot = x.feeds[0]!.forward
    return {
      cash: x.cash,
      collaterals: x.collaterals,
      spotPrice: spot,
      spotConfidence: x.spotConfidence,
      perpPosition: x.perp,
      perpPrice: BigInt(Math.round(f(spot) * (1 + x.perpBasis) * 1e6)) * 10n ** 12n,
      perpConfidence: x.perpConfidence,
      unrealizedPerpPnl: x.unrealized,
      unrealizedFunding: x.funding,
      stablePrice: x.stablePrice,
      stableConfidence: E,
      options: x.options.map((o) => {
        const feed = x.feeds[o.expiry]!
        // Derive encodes strikes to 1e-8
        const strike = BigInt(Math.max(1, Math.round(f(feed.forward) * Math.exp(o.logMoneyness) * 1e8))) * 10n ** 10n
        return { secToExpiry: feed.secToExpiry, strike, isCall: o.isCall, amount: o.amount }
      }),
      feeds: x.feeds.map(({ secToExpiry, forward, forwardConfidence, rate, rateConfidence, svi, volConfidence }) => ({
        secToExpiry,
        forward,
        forwardConfidence,
        rate,
        rateConfidence,
        svi,
        volConfidence,
      })),
    }
  })

/** Derive's standard scenarios (23 regular, 6 dampened tails, linear and abs skew), as in the shared cases. */
const STANDARD_SCENARIOS = [
  ...[1.18, 1.135, 1.09, 1.045, 1, 0.955, 0.91, 0.865].flatMap((s, i) =>
    (i === 0 ? ['Up'] : ['Down', 'None', 'Up']).map((d) => ({ SpotShock: s, VolShockDirection: d, DampeningFactor: 1 })),
  ),
  { SpotShock: 0.82, VolShockDirection: 'Up', DampeningFactor: 1 },
  ...[
    [0.34, 0.0545],
    [0.67, 0.109],
    [1.5, 0.072],
    [2, 0.036],
    [3, 0.018],
    [4, 0.012],
  ].map(([s, d]) => ({ SpotShock: s, VolShockDirection: 'Up', DampeningFactor: d })),
  { SpotShock: 1, VolShockDirection: 'LINEAR', DampeningFactor: 1 },
  { SpotShock: 1, VolShockDirection: 'ABS', DampeningFactor: 1 },
]
const standard = parseDeriveParameters({ Scenarios: STANDARD_SCENARIOS, ...DERIVE_STANDARD_PARAMETERS })

const shockArb: fc.Arbitrary<DeriveScenarioShock> = fc.record({
  spotShock: dec(0, 4, 6),
  volShock: fc.constantFrom('up' as const, 'down' as const, 'none' as const),
  dampening: fc.oneof(fc.constant(E), dec(0, 1, 6)),
})

/** A scenario list: the standard one or a random one, then near-ties (copies moved by a few wei), ≤ 40 in all. */
const scenariosArb = fc
  .record({
    base: fc.oneof(
      fc.constant(standard.scenarios),
      fc.array(shockArb, { minLength: 1, maxLength: 30 }).chain((list) =>
        fc
          .subarray(['linear' as const, 'abs' as const])
          .map((skews) => [...list, ...skews.map((volShock) => ({ spotShock: E, volShock, dampening: E }))]),
      ),
    ),
    ties: fc.array(
      fc.record({
        pick: fc.nat(),
        field: fc.constantFrom('spotShock' as const, 'dampening' as const, 'none' as const),
        wei: fc.integer({ min: -1000, max: 1000 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ base, ties }) => {
    const list = [...base]
    for (const t of ties) {
      if (list.length >= 40) break
      const s = list[t.pick % list.length]!
      const skew = s.volShock === 'linear' || s.volShock === 'abs'
      if (skew) continue // at most one linear and one abs scenario
      const moved = { ...s }
      if (t.field !== 'none') moved[t.field] = moved[t.field] + BigInt(t.wei) > 0n ? moved[t.field] + BigInt(t.wei) : 0n
      list.splice((t.pick >> 3) % (list.length + 1), 0, moved)
    }
    return list
  })

/** Parameters anywhere in the ranges Derive's setters accept, with the scenario list of {@link scenariosArb}. */
export const deriveParametersArb: fc.Arbitrary<DeriveParameters> = fc.record({
  scenarios: scenariosArb,
  volShock: fc.record({
    volRangeUp: dec(0, 3),
    volRangeDown: dec(0, 1.2),
    shortTermPower: dec(0, 1),
    longTermPower: dec(0, 1),
    dteFloorSec: fc.integer({ min: 0, max: 10 * 86_400 }).map(BigInt),
    minVolUpShock: dec(0, 2),
  }),
  margin: fc.record({
    imFactor: dec(0.5, 3),
    mmFactor: dec(0.1, 3),
    shortRateMultScale: dec(0, 3),
    longRateMultScale: dec(0, 3),
    shortRateAddScale: dec(0, 0.5),
    longRateAddScale: dec(0, 0.5),
    shortBaseStaticDiscount: dec(0.8, 1.5),
    longBaseStaticDiscount: dec(0.5, 1.2),
  }),
  basis: fc.record({
    scenarioSpotUp: dec(1.0001, 2),
    scenarioSpotDown: dec(0.3, 0.9999),
    addFactor: dec(0, 3),
    multFactor: dec(0, 5),
  }),
  other: fc.record({
    pegLossThreshold: dec(0.9, 1),
    pegLossFactor: dec(0, 5),
    confThreshold: dec(0, 1),
    confMargin: dec(0, 3),
    mmPerpPercent: dec(0, 0.2),
    imPerpPercent: dec(0, 0.2),
    mmOptionPercent: dec(0, 0.2),
    imOptionPercent: dec(0, 0.2),
  }),
  skew: fc.record({
    linearBaseCap: dec(0, 2),
    absBaseCap: dec(0, 2),
    linearCBase: dec(-2, 2),
    absCBase: dec(-2, 2),
    minKStar: dec(0.0001, 0.5),
    widthScale: dec(0, 10),
    volParamStatic: dec(0, 3),
    volParamScale: dec(-3, 3),
  }),
})
