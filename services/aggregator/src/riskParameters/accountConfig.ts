import type { Config } from '@unimargin/chains'
import type { DbOrTx } from '@unimargin/db'
import type { ParameterSet } from '@unimargin/risk'
import { configUnderParameterSet, riskModelOf } from '../valuation/riskModel.js'
import { type AccountParameterSetView, accountParameterSet } from './accountParameterSet.js'
import { createParameterSetStore, type ParameterSetStore } from './parameterSetStore.js'

const stores = new WeakMap<Config, ParameterSetStore>()

/**
 * The parameter-set store of a config, one per config object so its replay cache is shared by every valuation; it
 * holds no database: pass the caller's (or its transaction) to `state(db)`.
 */
export function parameterSetStoreOf(config: Config): ParameterSetStore {
  let store = stores.get(config)
  if (!store) {
    store = createParameterSetStore({ config })
    stores.set(config, store)
  }
  return store
}

/** What an account is margined under: the config to value it with and the parameter set in force, if any. */
export type AccountConfig = {
  /** `config`, or its copy under the account's parameter set (`configUnderParameterSet`) */
  config: Config
  /** the set in force for the account; null with `margin.calibration = 'static'`, another mode, or before any set */
  parameterSet: AccountParameterSetView | null
  /** the sets themselves: the account's and the latest (null when `parameterSet` is) */
  sets: { account: ParameterSet; latest: ParameterSet } | null
}

/**
 * The config an account is valued with. With `margin.calibration = 'volatility'` in portfolio mode, the parameter set
 * `accountParameterSet` picks for it (the latest, or during a grace window the one it was last margined under when it
 * has not changed since a recalibration, so no recalibration alone liquidates it); otherwise `config` unchanged.
 * - Tables: `chain_events` (oracle prices and the account's events), `positions`.
 * @param nowMs valuation time, unix ms
 */
export async function accountConfigOf(db: DbOrTx, config: Config, address: string, nowMs: number): Promise<AccountConfig> {
  const none = { config, parameterSet: null, sets: null }
  if (config.margin.calibration !== 'volatility' || riskModelOf(config).mode !== 'portfolio') return none
  const state = await parameterSetStoreOf(config).state(db)
  const view = await accountParameterSet(db, state, address, nowMs)
  const set = view && state.history.sets.find((s) => s.version === view.version)
  const latest = state.history.sets[state.history.sets.length - 1]
  if (!view || !set || !latest) return none
  return { config: configUnderParameterSet(config, set), parameterSet: view, sets: { account: set, latest } }
}
