import type { Config } from '@unimargin/chains'
import { asc, chainEvents, type DbOrTx, eq } from '@unimargin/db'
import type { PricePoint } from '@unimargin/risk'
import { assetsOfFeed } from '../common/config.js'
import { parseEventArgs } from '../events/args.js'

/** Oracle prices per underlying, in increasing time order (USD float; only ratios are used). */
export type PriceHistory = Record<string, PricePoint[]>

/**
 * Replays the oracle prices of the markets' underlyings from the `AnswerUpdated` events the watchers stored in
 * `chain_events` (the `prices` table keeps only the latest answer). Per underlying, the hub chain's feed when it has
 * one (the feed the mark price comes from), else every feed of that symbol. A price at or before the previous time
 * of its series replaces nothing (feeds on several chains may interleave), except an equal time, which replaces it.
 * @returns the history and the id of the last event read (null when none), to tell when it changes
 */
export async function loadPriceHistory(db: DbOrTx, config: Config): Promise<{ history: PriceHistory; lastEventId: bigint | null }> {
  const underlyings = new Set(config.markets.map((m) => m.underlying))
  const hub = config.chains.find((c) => c.chainId === config.hub.chainId)
  const rows = await db.select().from(chainEvents).where(eq(chainEvents.eventName, 'AnswerUpdated')).orderBy(asc(chainEvents.id))
  const history: PriceHistory = {}
  let lastEventId: bigint | null = null
  for (const row of rows) {
    lastEventId = row.id
    const [asset] = assetsOfFeed(config, row.chainId, row.address)
    if (!asset || !underlyings.has(asset.symbol)) continue
    const onHub = hub?.assets.some((a) => a.symbol === asset.symbol) ?? false
    if (onHub && row.chainId !== config.hub.chainId) continue
    const args = parseEventArgs('AnswerUpdated', row.args)
    if (args.current <= 0n) continue
    const point = { tMs: Number(args.updatedAt) * 1000, price: Number(args.current) / 10 ** asset.feedDecimals }
    const series = history[asset.symbol] ?? []
    history[asset.symbol] = series
    const last = series[series.length - 1]
    if (last && point.tMs < last.tMs) continue
    if (last && point.tMs === last.tMs) series[series.length - 1] = point
    else series.push(point)
  }
  return { history, lastEventId }
}
