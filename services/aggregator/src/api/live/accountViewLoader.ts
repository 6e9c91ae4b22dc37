import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { accountParameterSet, type ParameterSetStore } from '../../riskParameters/index.js'
import { type AccountView, getAccountView } from '../../view/index.js'

/** The account view as `GET /v1/accounts/{address}` answers it (see {@link accountViewLoader}). */
export type ServedAccountView = AccountView

/**
 * The loader of the API's account view: {@link getAccountView} at `now()`, whose `parameterSet`, when the hub does not
 * margin the account under a calibrated set, is the set it publishes for it (`applied: false`; null before the first
 * calibration).
 * - reads the account's tables, `prices`, `valuation_blocks`, `commands`, and the risk parameter store
 * @returns `(address) => view` for a checksummed address
 */
export function accountViewLoader(deps: { db: Db; config: Config; now: () => Date; riskParameters: ParameterSetStore }) {
  return async (address: string): Promise<ServedAccountView> => {
    const now = deps.now()
    const view = await getAccountView(deps.db, deps.config, address, now)
    if (view.parameterSet) return view
    // the grid is static: show the set the hub publishes for the account, not applied
    const published = await accountParameterSet(deps.db, await deps.riskParameters.state(deps.db), address, now.getTime())
    return { ...view, parameterSet: published && { ...published, applied: false } }
  }
}
