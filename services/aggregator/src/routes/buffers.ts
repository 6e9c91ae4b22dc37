import type { Config } from '@unimargin/chains'
import { type AccountMargin, type AccountRisk, latencyBufferUsd8 } from '@unimargin/risk'
import type { RouteLatency } from './latency.js'

/** The part of an account's margin a buffer is sized from. */
export type BufferedMargin = Pick<AccountMargin, 'positions' | 'settledPnlUsd8'> & { risk?: Pick<AccountRisk, 'pnlSigmaUsd8' | 'sigmaHorizonSeconds'> }

/**
 * The safety margin (usd8) a withdrawal on a route must leave above IM: the static `withdrawalBufferUsd8` plus the
 * route's latency buffer `z · σ · sqrt(p99 / H)` (σ from the portfolio engine; no latency term under the linear model,
 * which has no σ), while the account carries risk (open positions or unsettled losses). Zero otherwise: an account
 * with neither cannot lose more than its collateral while a command travels and must be able to withdraw it all.
 */
export function withdrawalBufferFor(config: Config, margin: BufferedMargin, route?: Pick<RouteLatency, 'p99Ms'>): bigint {
  if (margin.positions.length === 0 && margin.settledPnlUsd8 >= 0n) return 0n
  return config.withdrawalBufferUsd8 + latencyBuffer(config, margin, route)
}

/** `z · σ · sqrt(p99 / H)` in usd8, rounded up; 0 without an engine σ or a route. */
export function latencyBuffer(config: Config, margin: BufferedMargin, route?: Pick<RouteLatency, 'p99Ms'>): bigint {
  if (!margin.risk || !route) return 0n
  return latencyBufferUsd8(margin.risk, route.p99Ms / 1000, config.latency.z)
}

/**
 * The buffer liquidation starts above (`equity < MM + buffer`): the latency buffer of the slowest route among the
 * chains a Lock must reach (those holding the account's collateral), since the account keeps moving until the
 * last lock lands.
 */
export function liquidationBufferFor(config: Config, margin: BufferedMargin, routes: readonly RouteLatency[], chainIds: readonly number[]): bigint {
  const slowest = routes.filter((r) => chainIds.includes(r.chainId)).reduce<RouteLatency | undefined>((a, r) => (!a || r.p99Ms > a.p99Ms ? r : a), undefined)
  if (margin.positions.length === 0) return 0n
  return latencyBuffer(config, margin, slowest)
}
