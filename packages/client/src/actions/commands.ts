import type { paths } from '../generated/api.js'
import { type PageParameters, paginate } from '../pagination.js'
import { type Transport, unwrap } from '../transport.js'
import type { CommandSummaryView, CommandView, Page } from '../types.js'

/** A command's state in the outbox (`pending` … `executed`, `failed`, `dead`, `cancelled`), as the API lists them. */
export type CommandState = NonNullable<NonNullable<paths['/v1/commands']['get']['parameters']['query']>['state']>

/** Filters of {@link CommandActions.listCommands}. */
export type CommandFilter = { state?: CommandState; account?: string; destChainId?: number }

export type CommandActions = {
  /**
   * A command with its state, outcome, transactions and every transition (`GET /v1/commands/:id`).
   * @throws {UnimarginApiError} 400 on a malformed id; 404 when the hub has no such command.
   */
  getCommand: (id: string) => Promise<CommandView>
  /** One page of commands, newest first, by state, account and destination chain (`GET /v1/commands`). */
  listCommands: (parameters?: PageParameters & CommandFilter) => Promise<Page<CommandSummaryView>>
  /** Every command matching the filter, newest first, following the cursor page after page. */
  iterateCommands: (parameters?: Omit<PageParameters, 'cursor'> & CommandFilter) => AsyncGenerator<CommandSummaryView>
}

export function commandActions(t: Transport): CommandActions {
  const listCommands: CommandActions['listCommands'] = (query = {}) => unwrap(t, 'GET /v1/commands', () => t.api.GET('/v1/commands', { params: { query } }))
  return {
    getCommand: (id) => unwrap(t, 'GET /v1/commands/{id}', () => t.api.GET('/v1/commands/{id}', { params: { path: { id } } })),
    listCommands,
    iterateCommands: (query = {}) => paginate((cursor) => listCommands({ ...query, ...(cursor ? { cursor } : {}) })),
  }
}
