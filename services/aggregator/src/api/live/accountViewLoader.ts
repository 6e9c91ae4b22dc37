import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { accountParameterSet, type ParameterSetStore } from '../../riskParameters/index.js'
import { type AccountView, getAccountView, loadViewMarket, type ViewMarket } from '../../view/index.js'

/** The account view as `GET /v1/accounts/{address}` answers it (see {@link accountViewLoader}). */
export type ServedAccountView = AccountView

export type AccountViewLoader = {
  /** The account's view now (`address` checksummed). */
  load: (address: string) => Promise<ServedAccountView>
  /** Something changed: views loaded after this read the shared market data ({@link ViewMarket}) again. */
  changed: () => void
}

/**
 * The loader of the API's account view: {@link getAccountView} at `now()`, whose `parameterSet`, when the hub does not
 * margin the account under a calibrated set, is the set it publishes for it (`applied: false`; null before the first
 * calibration). Views loaded together share one read of what all accounts share (prices, route latencies, vault
 * liquidity), reused for up to `marketMaxAgeMs` (default 1000) or until `changed()`.
 * - reads the account's tables, `prices`, `valuation_blocks`, `commands`, and the risk parameter store
 */
export function accountViewLoader(deps: { db: Db; config: Config; now: () => Date; riskParameters: ParameterSetStore; marketMaxAgeMs?: number }): AccountViewLoader {
  const marketMaxAgeMs = deps.marketMaxAgeMs ?? 1_000
  let market: { promise: Promise<ViewMarket>; atMs: number } | undefined
  const marketAt = (now: Date): Promise<ViewMarket> => {
    if (!market || now.getTime() - market.atMs > marketMaxAgeMs) {
      const held = { promise: loadViewMarket(deps.db, deps.config, now), atMs: now.getTime() }
      held.promise.catch(() => {
        if (market === held) market = undefined
      })
      market = held
    }
    return market.promise
  }
  return {
    async load(address) {
      const shared = await marketAt(deps.now())
      const view = await getAccountView(deps.db, deps.config, address, shared.at, shared)
      if (view.parameterSet) return view
      // the grid is static: show the set the hub publishes for the account, not applied
      const published = await accountParameterSet(deps.db, await deps.riskParameters.state(deps.db), address, shared.at.getTime())
      return { ...view, parameterSet: published && { ...published, applied: false } }
    },
    changed: () => {
      market = undefined
    },
  }
}
