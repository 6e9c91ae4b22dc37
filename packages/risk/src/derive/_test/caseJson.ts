import { DERIVE_STANDARD_PARAMETERS } from './standardParameters.js'

/** A small Derive-format case (JSON shape of the case files) for unit tests; override fields with spread. */
export function caseJson(scenario: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}) {
  return {
    Scenario: {
      Cash: 1000,
      Collaterals: [],
      SpotPrice: 2000,
      SpotConfidence: 1,
      NumPerps: 0,
      PerpPrice: 2000,
      PerpConfidence: 1,
      UnrealisedPerpPNL: 0,
      UnrealisedFunding: 0,
      StablePrice: 1,
      StableConfidence: 1,
      Options: [],
      OptionFeeds: [],
      ...scenario,
    },
    Parameters: {
      Scenarios: [
        { SpotShock: 1.1, VolShockDirection: 'None', DampeningFactor: 1 },
        { SpotShock: 1, VolShockDirection: 'LINEAR', DampeningFactor: 1 },
      ],
      ...DERIVE_STANDARD_PARAMETERS,
      ...parameters,
    },
  }
}

/** One expiry feed in case-file shape: flat 60 % SVI surface around `forward`, 30 days. */
export function feedJson(secToExpiry: number, forward: number) {
  const tau = secToExpiry / 31_536_000
  return {
    FeedExpiry: secToExpiry,
    Forward: forward,
    ForwardConfidence: 1,
    Rate: 0.05,
    RateConfidence: 1,
    SVIparam: [0.36 * tau, 0, 0, 0, 0.1, forward, tau],
    OptionVolConfidences: 1,
  }
}
