import type { paths } from '../generated/api.js'
import { type PageParameters, paginate } from '../pagination.js'
import { type Transport, unwrap } from '../transport.js'
import type { AccountView, EscapeClaimsView, LiquidationView, Page, WhatIfResultView, WithdrawalView } from '../types.js'

/** The withdrawal states `listWithdrawals` filters by, as the API lists them. */
export type WithdrawalState = NonNullable<NonNullable<paths['/v1/accounts/{address}/withdrawals']['get']['parameters']['query']>['state']>

/** Hypothetical changes for {@link AccountActions.whatIf}: deltas, signed. */
export type WhatIfParameters = {
  /** size deltas, 18 decimals */
  positions?: { market: string; size: bigint }[]
  /** collateral deltas, token base units */
  collateral?: { chainId: number; asset: string; amount: bigint }[]
}

export type AccountActions = {
  /**
   * The account view: margin (usd8), health, collateral per chain, positions, withdrawable amounts, withdrawals,
   * liquidations (`GET /v1/accounts/:address`). An address never seen is an empty account.
   * @throws {UnimarginApiError} 400 on a malformed address.
   */
  getAccount: (address: string) => Promise<AccountView>
  /**
   * Margin before and after hypothetical position and collateral changes (`POST /v1/accounts/:address/what-if`).
   * @throws {UnimarginApiError} 400 on an unknown market or asset or no change; 429 over the what-if rate limit;
   *   503 (`busy`, `what_if_timeout`, with `retryAfterSeconds`) when the hub's what-if pool is saturated.
   */
  whatIf: (address: string, changes: WhatIfParameters) => Promise<WhatIfResultView>
  /** One page of the account's withdrawals, newest first (`GET /v1/accounts/:address/withdrawals`). */
  listWithdrawals: (address: string, parameters?: PageParameters & { state?: WithdrawalState }) => Promise<Page<WithdrawalView>>
  /** Every withdrawal of the account, newest first, following the cursor page after page. */
  iterateWithdrawals: (address: string, parameters?: Omit<PageParameters, 'cursor'> & { state?: WithdrawalState }) => AsyncGenerator<WithdrawalView>
  /** One page of the account's liquidations, newest first (`GET /v1/accounts/:address/liquidations`). */
  listLiquidations: (address: string, parameters?: PageParameters) => Promise<Page<LiquidationView>>
  /** Every liquidation of the account, newest first, following the cursor page after page. */
  iterateLiquidations: (address: string, parameters?: Omit<PageParameters, 'cursor'>) => AsyncGenerator<LiquidationView>
  /** The arguments of `MarginVault.claimEscape` per vault and asset (`GET /v1/accounts/:address/escape`). */
  getEscapeClaims: (address: string) => Promise<EscapeClaimsView>
}

export function accountActions(t: Transport): AccountActions {
  const at = (address: string) => ({ params: { path: { address } } })
  const listWithdrawals: AccountActions['listWithdrawals'] = (address, query = {}) =>
    unwrap(t, 'GET /v1/accounts/{address}/withdrawals', () => t.api.GET('/v1/accounts/{address}/withdrawals', { params: { path: { address }, query } }))
  const listLiquidations: AccountActions['listLiquidations'] = (address, query = {}) =>
    unwrap(t, 'GET /v1/accounts/{address}/liquidations', () => t.api.GET('/v1/accounts/{address}/liquidations', { params: { path: { address }, query } }))
  return {
    getAccount: (address) => unwrap(t, 'GET /v1/accounts/{address}', () => t.api.GET('/v1/accounts/{address}', at(address))),
    whatIf: (address, changes) =>
      unwrap(t, 'POST /v1/accounts/{address}/what-if', () =>
        t.api.POST('/v1/accounts/{address}/what-if', {
          ...at(address),
          body: {
            positions: (changes.positions ?? []).map((p) => ({ market: p.market, size: p.size.toString() })),
            collateral: (changes.collateral ?? []).map((c) => ({ chainId: c.chainId, asset: c.asset, amount: c.amount.toString() })),
          },
        }),
      ),
    listWithdrawals,
    iterateWithdrawals: (address, query = {}) => paginate((cursor) => listWithdrawals(address, { ...query, ...(cursor ? { cursor } : {}) })),
    listLiquidations,
    iterateLiquidations: (address, query = {}) => paginate((cursor) => listLiquidations(address, { ...query, ...(cursor ? { cursor } : {}) })),
    getEscapeClaims: (address) => unwrap(t, 'GET /v1/accounts/{address}/escape', () => t.api.GET('/v1/accounts/{address}/escape', at(address))),
  }
}
