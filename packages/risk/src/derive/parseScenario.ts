import { toE18 } from './decimal.js'
import { DeriveCaseError } from './errors.js'
import { JsonReader } from './read.js'
import type { DeriveCollateral, DeriveExpiryFeed, DeriveOption, DeriveScenario } from './types.js'

const STRIKE_GRANULARITY = 10n ** 10n

/** Reads `Scenario` (account and market) of a Derive case file. @throws DeriveCaseError naming the field */
export function parseDeriveScenario(value: unknown, path = 'Scenario'): DeriveScenario {
  const s = JsonReader.of(value, path)
  const collaterals = s
    .array('Collaterals', true)
    .map((c, i) => parseCollateral(JsonReader.of(c, `${s.at('Collaterals')}[${i}]`)))
  const options = s.array('Options', true).map((o, i) => parseOption(JsonReader.of(o, `${s.at('Options')}[${i}]`)))
  const feeds = s.array('OptionFeeds', true).map((f, i) => parseFeed(JsonReader.of(f, `${s.at('OptionFeeds')}[${i}]`)))
  const seen = new Set<bigint>()
  feeds.forEach((f, i) => {
    if (seen.has(f.secToExpiry))
      throw new DeriveCaseError(`${s.at('OptionFeeds')}[${i}].FeedExpiry`, 'duplicate expiry')
    seen.add(f.secToExpiry)
  })
  options.forEach((o, i) => {
    if (!seen.has(o.secToExpiry)) {
      throw new DeriveCaseError(`${s.at('Options')}[${i}].Expiry`, `no OptionFeeds entry for expiry ${o.secToExpiry}`)
    }
  })
  const stablePrice = s.e18NonNegative('StablePrice')
  if (stablePrice === 0n && collaterals.length > 0) throw new DeriveCaseError(s.at('StablePrice'), 'must be positive')
  return {
    cash: s.e18('Cash'),
    collaterals,
    spotPrice: s.e18NonNegative('SpotPrice'),
    spotConfidence: s.e18NonNegative('SpotConfidence'),
    perpPosition: s.e18('NumPerps'),
    perpPrice: s.e18NonNegative('PerpPrice'),
    perpConfidence: s.e18NonNegative('PerpConfidence'),
    unrealizedPerpPnl: s.e18('UnrealisedPerpPNL'),
    unrealizedFunding: s.e18('UnrealisedFunding'),
    stablePrice,
    stableConfidence: s.e18NonNegative('StableConfidence'),
    options,
    feeds,
  }
}

function parseCollateral(c: JsonReader): DeriveCollateral {
  return {
    name: c.string('Name'),
    amount: c.e18NonNegative('Amount'),
    price: c.e18NonNegative('Price'),
    confidence: c.e18NonNegative('Confidence'),
    isRiskCancelling: c.bool('IsRiskCancelling'),
    imHaircut: c.e18NonNegative('IMHaircut'),
    mmHaircut: c.e18NonNegative('MMHaircut'),
  }
}

function parseOption(o: JsonReader): DeriveOption {
  const strike = o.e18NonNegative('Strike')
  if (strike % STRIKE_GRANULARITY !== 0n)
    throw new DeriveCaseError(o.at('Strike'), 'finer than 1e-8 (Derive encodes strikes to 8 decimals)')
  return { secToExpiry: o.seconds('Expiry'), strike, isCall: o.bool('IsCall'), amount: o.e18('Amount') }
}

function parseFeed(f: JsonReader): DeriveExpiryFeed {
  const params = f.array('SVIparam')
  if (params.length !== 7)
    throw new DeriveCaseError(
      f.at('SVIparam'),
      `expected 7 values (a, b, rho, m, sigma, forward, tau), got ${params.length}`,
    )
  const at = (i: number) => toE18(params[i], `${f.at('SVIparam')}[${i}]`)
  const nonNegative = (i: number, name: string) => {
    const v = at(i)
    if (v < 0n) throw new DeriveCaseError(`${f.at('SVIparam')}[${i}]`, `${name} must not be negative`)
    return v
  }
  return {
    secToExpiry: f.seconds('FeedExpiry'),
    forward: f.e18NonNegative('Forward'),
    forwardConfidence: f.e18NonNegative('ForwardConfidence'),
    rate: f.e18('Rate'),
    rateConfidence: f.e18NonNegative('RateConfidence'),
    svi: {
      a: at(0),
      b: nonNegative(1, 'b'),
      rho: at(2),
      m: at(3),
      sigma: nonNegative(4, 'sigma'),
      forward: nonNegative(5, 'forward'),
      tau: nonNegative(6, 'tau'),
    },
    volConfidence: f.e18NonNegative('OptionVolConfidences'),
  }
}
