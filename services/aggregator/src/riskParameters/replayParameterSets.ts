import {
  type CorrelationMatrix,
  estimateVolatility,
  type ParameterSet,
  type ParameterSetHistory,
  type ParameterSetPolicy,
  type PricePoint,
  RollingCorrelation,
  recalibrate,
} from '@unimargin/risk'
import type { PriceHistory } from './priceHistory.js'

/** Options of {@link replayParameterSets}. */
export type ReplayOptions = {
  policy: ParameterSetPolicy
  /** horizon of the σ the sets hold, seconds (the grid's `horizonSeconds`) */
  horizonSeconds: number
  /** spacing of the joint price samples the correlation reads, seconds; default 3600 */
  sampleSeconds?: number
  /** samples in the correlation window; default 720 (30 days of hourly samples) */
  correlationWindow?: number
  /** prices older than this before a recalibration are not read for its σ, seconds; default 30 days */
  volLookbackSeconds?: number
}

/** The parameter sets replayed from prices, with the latest market inputs. */
export type RiskParameterState = {
  history: ParameterSetHistory
  /** latest realised σ over the horizon per underlying (EWMA, `estimateVolatility`) */
  realizedSigmaHorizon: Record<string, number>
  /** latest rolling correlation, null with fewer than two underlyings */
  correlation: CorrelationMatrix | null
  policy: ParameterSetPolicy
}

/**
 * Replays prices through the parameter-set manager: prices in time order, the last price of each underlying sampled
 * every `sampleSeconds` into a `RollingCorrelation` (once all have a price), and at each price once the cooldown of the
 * set in force has passed, a recalibration (`recalibrate`) from the EWMA σ of each underlying's prices over the
 * lookback (`estimateVolatility`, method `ewma`) and the correlation. An underlying with fewer than two prices, or a
 * flat series, is left out of that recalibration. Deterministic: the same prices give the same sets.
 */
export function replayParameterSets(prices: PriceHistory, options: ReplayOptions): RiskParameterState {
  const { policy, horizonSeconds } = options
  const sampleMs = (options.sampleSeconds ?? 3600) * 1000
  const lookbackMs = (options.volLookbackSeconds ?? 30 * 86_400) * 1000
  const underlyings = Object.keys(prices).sort()
  const rolling = underlyings.length >= 2 ? new RollingCorrelation(underlyings, options.correlationWindow ?? 720) : null
  const events = underlyings.flatMap((u) => prices[u]!.map((p, i) => ({ u, i, tMs: p.tMs }))).sort((a, b) => a.tMs - b.tMs || (a.u < b.u ? -1 : 1))
  const last: Record<string, number> = {}
  const seen: Record<string, number> = {}
  const sets: ParameterSet[] = []
  let nextSample = Number.NEGATIVE_INFINITY
  let realized: Record<string, number> = {}
  const sigmaAt = (tMs: number) => {
    const out: Record<string, number> = {}
    for (const u of underlyings) {
      const n = seen[u]
      if (n === undefined || n < 1) continue
      const series = prices[u]!
      let from = n
      while (from > 0 && series[from - 1]!.tMs >= tMs - lookbackMs) from--
      const window: PricePoint[] = series.slice(Math.min(from, n - 1), n + 1)
      if (window.length < 2) continue
      const sigma = estimateVolatility(window, { method: 'ewma', horizonSeconds }).sigmaHorizon
      if (sigma > 0 && Number.isFinite(sigma)) out[u] = sigma
    }
    return out
  }
  for (let k = 0; k < events.length; k++) {
    const e = events[k]!
    last[e.u] = prices[e.u]![e.i]!.price
    seen[e.u] = e.i
    // prices of one instant are read together: the sample and the recalibration come after the last of them
    if (events[k + 1]?.tMs === e.tMs) continue
    if (rolling && e.tMs >= nextSample && underlyings.every((u) => last[u] !== undefined)) {
      rolling.push(last)
      nextSample = (Math.floor(e.tMs / sampleMs) + 1) * sampleMs
    }
    const current = sets[sets.length - 1] ?? null
    if (current && e.tMs - current.effectiveAtMs < policy.cooldownSeconds * 1000) continue
    const sigma = sigmaAt(e.tMs)
    if (Object.keys(sigma).length === 0) continue
    const correlation = rolling && rolling.observations >= 2 ? rolling.matrix() : undefined
    const r = recalibrate(current, { realizedSigmaHorizon: sigma, ...(correlation ? { correlation } : {}) }, e.tMs, policy)
    if (r.updated) sets.push(r.set)
  }
  const end = events[events.length - 1]
  if (end) realized = sigmaAt(end.tMs)
  return {
    history: { sets, graceSeconds: policy.graceSeconds },
    realizedSigmaHorizon: realized,
    correlation: rolling && rolling.observations >= 2 ? rolling.matrix() : null,
    policy,
  }
}
