import type { paths } from '../generated/api.js'
import { type PageParameters, paginate } from '../pagination.js'
import { type Transport, unwrap } from '../transport.js'
import type { AccountSummaryView, Page } from '../types.js'

/** `health`: least healthy first (accounts without a requirement last); `address`: by address. */
export type AccountSort = NonNullable<NonNullable<paths['/v1/accounts']['get']['parameters']['query']>['sort']>

export type OperatorActions = {
  /**
   * One page of every account with its margin (`GET /v1/accounts`, operators: create the client with `apiKey`).
   * @throws {UnimarginApiError} 401 `api_key_required` / `invalid_api_key` without a configured key.
   */
  listAccounts: (parameters?: PageParameters & { sort?: AccountSort }) => Promise<Page<AccountSummaryView>>
  /** Every account, least healthy first by default, following the cursor page after page. */
  iterateAccounts: (parameters?: Omit<PageParameters, 'cursor'> & { sort?: AccountSort }) => AsyncGenerator<AccountSummaryView>
}

export function operatorActions(t: Transport): OperatorActions {
  const listAccounts: OperatorActions['listAccounts'] = (query = {}) => unwrap(t, 'GET /v1/accounts', () => t.api.GET('/v1/accounts', { params: { query } }))
  return {
    listAccounts,
    iterateAccounts: (query = {}) => paginate((cursor) => listAccounts({ ...query, ...(cursor ? { cursor } : {}) })),
  }
}
