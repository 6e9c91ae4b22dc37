import type { Config } from '@unimargin/chains'
import { chainEvents, type DbOrTx, eq, sql } from '@unimargin/db'
import { defaultScenarioGrid, type ParameterSetPolicy } from '@unimargin/risk'
import { riskModelOf } from '../valuation/riskModel.js'
import { defaultRiskParameterPolicy } from './defaultPolicy.js'
import { loadPriceHistory } from './priceHistory.js'
import { type RiskParameterState, replayParameterSets } from './replayParameterSets.js'

/** The hub's parameter sets, replayed from the stored oracle prices and kept in memory. */
export type ParameterSetStore = {
  /**
   * the sets and latest inputs, replayed again only when a price event was stored since the last call
   * @param db where to read the prices (default: the store's); a transaction sees its own writes
   */
  state(db?: DbOrTx): Promise<RiskParameterState>
}

/**
 * Creates the in-memory parameter-set store: the sets are a pure function of the `AnswerUpdated` events in
 * `chain_events` (`loadPriceHistory` → `replayParameterSets`), so nothing is persisted and every node derives the
 * same versions from the same events. The grid horizon is the engine's (the default grid in linear mode).
 * @param deps.db the database `state()` reads when called without one (a store shared across transactions has none)
 * @param policy default `defaultRiskParameterPolicy(grid)`
 */
export function createParameterSetStore(deps: { db?: DbOrTx; config: Config; policy?: ParameterSetPolicy }): ParameterSetStore {
  const grid = riskModelOf(deps.config).engine?.grid ?? defaultScenarioGrid()
  const policy = deps.policy ?? defaultRiskParameterPolicy(grid)
  let cached: { lastEventId: bigint | null; state: RiskParameterState } | undefined
  return {
    async state(given?: DbOrTx) {
      const db = given ?? deps.db
      if (!db) throw new Error('The parameter-set store has no database: pass one to state(db).')
      const [newest] = await db
        .select({ id: sql<string | null>`max(${chainEvents.id})` })
        .from(chainEvents)
        .where(eq(chainEvents.eventName, 'AnswerUpdated'))
      const newestId = newest?.id === null || newest?.id === undefined ? null : BigInt(newest.id)
      if (cached && cached.lastEventId === newestId) return cached.state
      const { history, lastEventId } = await loadPriceHistory(db, deps.config)
      const state = replayParameterSets(history, { policy, horizonSeconds: grid.horizonSeconds })
      cached = { lastEventId, state }
      return state
    },
  }
}
