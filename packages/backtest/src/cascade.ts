import { createPortfolioEngine, type MarginMode } from '@unimargin/risk'
import { type AccountOptions, openAccount, reviewAccount, type StressAccount } from './account.js'
import {
  DEFAULT_IMPACT_COEFFICIENT,
  DEFAULT_PERMANENT_SHARE,
  type ImpactParameters,
  squareRootImpact,
} from './impact.js'
import type { Liquidity } from './liquidity.js'
import { type MarketOptions, marketAt, windowSurfaces } from './market.js'
import type { SamplePortfolio } from './portfolios.js'
import type { PriceWindow } from './windows.js'

export type CascadeParameters = {
  window: PriceWindow
  /** σ and volume per underlying (`windowLiquidity`) */
  liquidity: Readonly<Record<string, Liquidity>>
  /** the accounts (e.g. `samplePopulation`) */
  population: readonly SamplePortfolio[]
  mode: MarginMode
  /** liquidations move the price (false: the window's prices, for the comparison) */
  feedback: boolean
  impact?: ImpactParameters
  options?: AccountOptions & MarketOptions
  /** review rounds per hour at most, each at the price the previous rounds' liquidations moved (default 20) */
  maxRounds?: number
}

/** What a population went through in one window under one mode. Money in USD (float, reporting only). */
export type CascadeResult = {
  window: string
  mode: MarginMode
  feedback: boolean
  accounts: number
  /** accounts liquidated at least once */
  accountsLiquidated: number
  liquidations: number
  /** debt liquidated collateral could not cover, summed over accounts */
  badDebtUsd: number
  /** per underlying: units the liquidators traded in the window (+ bought, − sold) */
  liquidatedUnits: Record<string, number>
  /** per underlying: largest |impacted / historical − 1| over the hours (peak, in-hour impact included) */
  maxDeviation: Record<string, number>
  /** per underlying: impacted / historical − 1 at the last hour (the permanent part left) */
  finalDeviation: Record<string, number>
  /** per underlying and hour: the price factor (impacted / historical) at the hour's last round */
  path: Record<string, number[]>
}

/** a price cannot be pushed below 1% of its historical level by the model (the law is not meant for such sizes) */
const FLOOR = 0.01

/**
 * Replays a population of accounts through a window with liquidations that move the price they trade into.
 * Each hour: every account is reviewed at the hour's price (`reviewAccount`); the liquidators' net flow Q per
 * underlying so far in the hour moves the price by the square-root law `ΔP/P = Y·σ_daily·sqrt(|Q|/V_daily)`
 * (`squareRootImpact`, peak impact of the hour's metaorder), and every account is reviewed again at the moved price,
 * until a round liquidates nothing (or `maxRounds`). The hour's last price is the peak; after the hour, the permanent
 * share (default 2/3) of the hour's impact stays in every later price (a multiplicative factor on the window's
 * closes), the temporary rest decays. Without feedback, one round per hour at the window's prices.
 * Deterministic: no randomness beyond the population's seeded draws.
 */
export function runCascade(parameters: CascadeParameters): CascadeResult {
  const { window, liquidity, mode, feedback } = parameters
  const coefficient = parameters.impact?.coefficient ?? DEFAULT_IMPACT_COEFFICIENT
  const permanentShare = parameters.impact?.permanentShare ?? DEFAULT_PERMANENT_SHARE
  const maxRounds = parameters.maxRounds ?? 20
  const options = parameters.options ?? {}
  const engine = createPortfolioEngine({ mode })
  const surfaces = windowSurfaces(window, options)
  const rate = options.rate ?? 0.03
  const underlyings = Object.keys(window.closes)
  const first = marketAt(window, 0, surfaces, rate)
  const prices = {
    ETH: window.closes.ETH?.[0] ?? 0,
    BTC: window.closes.BTC?.[0] ?? 0,
  }
  const accounts: StressAccount[] = parameters.population.map((p) =>
    openAccount(p.build(prices, first.nowMs), mode, first, engine, options),
  )
  const liquidated = new Set<number>()
  let liquidations = 0
  let badDebtUsd = 0
  const permanent: Record<string, number> = Object.fromEntries(underlyings.map((u) => [u, 1]))
  const liquidatedUnits: Record<string, number> = Object.fromEntries(underlyings.map((u) => [u, 0]))
  const maxDeviation: Record<string, number> = Object.fromEntries(underlyings.map((u) => [u, 0]))
  const path: Record<string, number[]> = Object.fromEntries(underlyings.map((u) => [u, []]))

  for (let i = 0; i < window.times.length; i++) {
    const hourFlow: Record<string, number> = Object.fromEntries(underlyings.map((u) => [u, 0]))
    const factorNow = (u: string) => {
      const impact = feedback && liquidity[u] ? squareRootImpact(hourFlow[u]!, liquidity[u]!, coefficient) : 0
      return Math.max(FLOOR, permanent[u]! * (1 + impact))
    }
    for (let round = 0; round < (feedback ? maxRounds : 1); round++) {
      const factors = Object.fromEntries(underlyings.map((u) => [u, factorNow(u)]))
      const market = marketAt(window, i, surfaces, rate, factors)
      let any = false
      accounts.forEach((state, k) => {
        if (state.account.positions.length === 0) return
        const review = reviewAccount(state, market)
        if (review.liquidations.length === 0) return
        any = true
        liquidated.add(k)
        liquidations += review.liquidations.length
        for (const l of review.liquidations) badDebtUsd += l.shortfallUsd
        for (const [u, q] of Object.entries(review.flows)) {
          hourFlow[u] = (hourFlow[u] ?? 0) + q
          liquidatedUnits[u] = (liquidatedUnits[u] ?? 0) + q
        }
      })
      if (!any) break
    }
    for (const u of underlyings) {
      const peak = factorNow(u)
      maxDeviation[u] = Math.max(maxDeviation[u]!, Math.abs(peak - 1))
      path[u]!.push(peak)
      const impact = feedback && liquidity[u] ? squareRootImpact(hourFlow[u]!, liquidity[u]!, coefficient) : 0
      permanent[u] = Math.max(FLOOR, permanent[u]! * (1 + permanentShare * impact))
    }
  }
  return {
    window: window.name,
    mode,
    feedback,
    accounts: accounts.length,
    accountsLiquidated: liquidated.size,
    liquidations,
    badDebtUsd,
    liquidatedUnits,
    maxDeviation,
    finalDeviation: Object.fromEntries(underlyings.map((u) => [u, permanent[u]! - 1])),
    path,
  }
}
