export { createClient, type CreateClientParameters, type UnimarginClient } from './createClient.js'
export type { AccountActions, WhatIfParameters, WithdrawalState } from './actions/accounts.js'
export type { CommandActions, CommandFilter, CommandState } from './actions/commands.js'
export type { DiscoveryActions } from './actions/discovery.js'
export type { NodeActions } from './actions/node.js'
export type { AccountSort, OperatorActions } from './actions/operators.js'
export type { PositionActions } from './actions/positions.js'
export type { PageParameters } from './pagination.js'
export {
  type AccountSubscription,
  type SubscribeAccountParameters,
  type SubscriptionErrorInfo,
  UnimarginStreamError,
} from './subscribeAccount.js'
export { UnimarginApiError, UnimarginNetworkError } from './errors.js'
export { formatAmount, formatBps, formatHealth, formatUsd8, type IntegerLike } from './format.js'
export { type PositionReport, type PositionReportDomain, positionReportDomain, positionReportTypes, signPositionReport } from './venue.js'
export type { components, paths } from './generated/api.js'
export type {
  AccountSummaryView,
  AccountView,
  ApiErrorBody,
  AssetView,
  ChainStatusView,
  ChainsView,
  ChainView,
  CommandSummaryView,
  CommandView,
  DecimalString,
  EscapeClaimsView,
  GreeksView,
  HaltedChainView,
  IntString,
  LeaseView,
  LiquidationView,
  MarketView,
  NodeStatusView,
  Page,
  ParameterSetView,
  PositionReportAccepted,
  PositionReportInput,
  PriceView,
  ReadyView,
  RiskParametersView,
  RiskView,
  RoutesView,
  StaleChainView,
  WhatIfResultView,
  WithdrawalView,
} from './types.js'
