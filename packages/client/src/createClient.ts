import { type AccountActions, accountActions } from './actions/accounts.js'
import { type CommandActions, commandActions } from './actions/commands.js'
import { type DiscoveryActions, discoveryActions } from './actions/discovery.js'
import { type NodeActions, nodeActions } from './actions/node.js'
import { type OperatorActions, operatorActions } from './actions/operators.js'
import { type PositionActions, positionActions } from './actions/positions.js'
import { type AccountSubscription, type SubscribeAccountParameters, subscribeAccount } from './subscribeAccount.js'
import { createTransport, type TransportParameters } from './transport.js'

export type CreateClientParameters = TransportParameters

export type UnimarginClient = AccountActions &
  CommandActions &
  DiscoveryActions &
  NodeActions &
  OperatorActions &
  PositionActions & {
    /** Follows an account over Server-Sent Events, reconnecting with backoff; see {@link subscribeAccount}. */
    subscribeAccount: (address: string, parameters: SubscribeAccountParameters) => AccountSubscription
  }

/**
 * Creates a typed client for the hub's HTTP API (every route of its OpenAPI document, with types generated from it).
 * Amounts are decimal strings in answers and bigint in arguments. A non-2xx answer throws {@link UnimarginApiError}
 * (`status`, `code`, `message`, `issues`, `requestId`, `retryAfterSeconds`); an unreachable hub throws
 * {@link UnimarginNetworkError}.
 * @param parameters.baseUrl the hub's URL, e.g. `http://127.0.0.1:8080`
 * @param parameters.apiKey an operator's API key, for `listAccounts`/`iterateAccounts`
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8080' })
 * const account = await client.getAccount('0x…')
 * console.log(formatHealth(account.healthBps), formatUsd8(account.freeCollateralUsd8, { fractionDigits: 2 }))
 * for await (const command of client.iterateCommands({ account: '0x…', state: 'failed' })) console.log(command.id)
 */
export function createClient(parameters: CreateClientParameters): UnimarginClient {
  const transport = createTransport(parameters)
  return {
    ...accountActions(transport),
    ...commandActions(transport),
    ...discoveryActions(transport),
    ...nodeActions(transport),
    ...operatorActions(transport),
    ...positionActions(transport),
    subscribeAccount: (address, handlers) => subscribeAccount(transport, address, handlers),
  }
}
