import type { components } from './generated/api.js'

/** Decimal string of an integer (token base units, usd8 values and prices, 1e18 sizes). Parse with `BigInt`. */
export type IntString = string

/** Greeks summed per underlying: delta in units of the underlying, gamma per USD, vega USD per 1.00 vol, theta USD per year. */
export type GreeksView = { delta: number; gamma: number; vega: number; theta: number; deltaUsd: number }

/** The portfolio engine's view of an account. */
export type RiskView = {
  /** name of the scenario with the largest counted loss; null without positions */
  worstScenario: string | null
  /** largest counted scenario loss, usd8 (rounded up) */
  worstLossUsd8: IntString
  /** contingency charges (per-contract minimum, naked short options, staleness, depeg), usd8 */
  contingencyUsd8: IntString
  /** IM's collateral term: risk-cancelling collateral at its MM haircut less at its IM haircut, usd8 (exact) */
  collateralImUsd8: IntString
  /** loss of the worst route-break scenario (a bridged or wrapped asset on one chain failing), usd8, in MM and IM */
  routeBreakUsd8: IntString
  /** that scenario, `route-break/<chainId>:<asset>`; null when no held asset has one */
  routeBreak: string | null
  /** counted P&L per scenario, USD (float, for charts), in the grid's order */
  scenarios: { name: string; pnlUsd: number }[]
  greeks: Record<string, GreeksView>
  /** σ of portfolio P&L over `sigmaHorizonSeconds`, usd8 (what latency buffers scale) */
  pnlSigmaUsd8: IntString
  sigmaHorizonSeconds: number
  /** per underlying, the spot below/above which equity would fall under MM with everything else held (usd8) */
  liquidationPrices: { underlying: string; spotUsd8: IntString; belowUsd8: IntString | null; aboveUsd8: IntString | null; liquidatableNow: boolean }[]
}

/** The risk parameter set an account is margined under, and what moved it. */
export type ParameterSetView = {
  version: number
  /** when the set took effect, unix seconds */
  effectiveAt: number
  /**
   * `current` (the latest set), `grace` (an older set kept: the account added no risk since the recalibration),
   * `added-risk`, `grace-expired` or `unknown-version` (each: the latest set)
   */
  reason: 'current' | 'grace' | 'added-risk' | 'grace-expired' | 'unknown-version'
  /** end of the grace window, unix seconds; null outside one */
  graceEndsAt: number | null
  latestVersion: number
  /** the realised σ over the grid horizon per underlying and mean |ρ| it was computed from, and the bounds that bound */
  movedBy: { realizedSigmaHorizon: Record<string, number>; meanAbsCorrelation: number | null; bounds: readonly { parameter: string; bound: string; target: number; value: number }[] }
  applied: boolean
}

/**
 * A decimal number in a string for display (`2900.5` beside `290050000000` usd8, `1.5` beside `1500000` base units of a
 * 6-decimal token): compute with the integer beside it, never with this.
 */
export type DecimalString = string

/** A withdrawal request and the hub's decision (`GET /v1/accounts/:address/withdrawals`). */
export type WithdrawalView = {
  chainId: number
  requestId: IntString
  asset: string
  /** token base units */
  amount: IntString
  /** `amount` in whole tokens; null for an asset not configured on the chain */
  amountFormatted: DecimalString | null
  recipient: string
  state: string
  reason: string | null
  limit: IntString | null
  commandId: string | null
  commandState: string | null
  pending: boolean
  requestedTx: string
  createdAt: string
  updatedAt: string
}

/** A liquidation of the account at a lock epoch (`GET /v1/accounts/:address/liquidations`). */
export type LiquidationView = {
  id: IntString
  lockEpoch: number
  state: string
  debtUsd8: IntString
  penaltyUsd8: IntString
  seizedValueUsd8: IntString
  shortfallUsd8: IntString
  insuranceCoveredUsd8: IntString
  socializedLossUsd8: IntString
  seizures: { chainId: number; asset: string; amount: IntString; valueUsd8: IntString; commandId: string; seizedAmount: IntString | null }[]
  closedPositions: Record<string, string>[]
  createdAt: string
  updatedAt: string
}

/**
 * `GET /v1/accounts/:address`. `...Usd8` fields are USD with 8 decimals; the `...Usd` and `...Formatted` fields beside
 * them are the same values as decimal strings, for display.
 */
export type AccountView = {
  address: string
  equityUsd8: IntString
  equityUsd: DecimalString
  imUsd8: IntString
  imUsd: DecimalString
  mmUsd8: IntString
  mmUsd: DecimalString
  freeCollateralUsd8: IntString
  freeCollateralUsd: DecimalString
  /** equity / MM with 4 decimals; null without a maintenance requirement */
  health: string | null
  healthBps: IntString | null
  collateralUsd8: IntString
  collateralUsd: DecimalString
  unrealizedPnlUsd8: IntString
  unrealizedPnlUsd: DecimalString
  settledPnlUsd8: IntString
  settledPnlUsd: DecimalString
  positionSequence: IntString
  collateral: {
    chainId: number
    symbol: string
    asset: string
    amount: IntString
    amountFormatted: DecimalString
    decimals: number
    priceUsd8: IntString | null
    priceUsd: DecimalString | null
    priceAgeSeconds: IntString | null
    priceStale: boolean
    /**
     * haircut applied in equity, bps (`weightedUsd8` = value less it): the configured one, or for a risk-cancelling
     * asset in portfolio mode its MM haircut, plus any size-tier, depeg and stale-price charge
     */
    haircutBps: number
    /** risk factor the asset follows (WETH → ETH) */
    underlying: string
    /** portfolio mode: revalued in every scenario with its underlying's spot move, so a short perp against it nets */
    riskCancelling: boolean
    /** configured base haircut in equity, bps (the asset's `haircutBps` unless risk-cancelling) */
    mmHaircutBps: number
    /** haircut against IM, bps (≥ `mmHaircutBps`) */
    imHaircutBps: number
    /** loss of this (asset, chain)'s route-break scenario, bps of value; 0 = none */
    routeBreakLossBps: number
    valueUsd8: IntString
    valueUsd: DecimalString
    weightedUsd8: IntString
    weightedUsd: DecimalString
  }[]
  collateralByChain: { chainId: number; valueUsd8: IntString; weightedUsd8: IntString }[]
  collateralByAsset: { symbol: string; valueUsd8: IntString; weightedUsd8: IntString }[]
  /** balances of assets not configured as collateral on their chain (valued at zero) */
  unsupportedCollateral: { chainId: number; asset: string; amount: IntString }[]
  positions: {
    market: string
    size: IntString
    sizeFormatted: DecimalString
    entryPrice: IntString
    entryPriceUsd: DecimalString
    markPrice: IntString
    markPriceUsd: DecimalString
    markPriceAgeSeconds: IntString | null
    notionalUsd8: IntString
    notionalUsd: DecimalString
    unrealizedPnlUsd8: IntString
    unrealizedPnlUsd: DecimalString
    imUsd8: IntString
    mmUsd8: IntString
  }[]
  /** the largest of the per-route withdrawal buffers (see `routes`); 0 without positions or unsettled losses */
  withdrawalBufferUsd8: IntString
  /**
   * per destination chain: the route the hub reaches it by, its delivery latency (published → executed, ms; `seeded`
   * from config until enough samples exist) and the buffer a withdrawal there must leave above IM
   * (static buffer + z · σ · sqrt(p99 / H)); `withdrawable` is after that buffer
   */
  routes: { chainId: number; transport: 'wormhole' | 'layerzero'; p50Ms: number; p99Ms: number; samples: number; source: 'measured' | 'seeded'; bufferUsd8: IntString }[]
  /**
   * per configured chain and asset, the most a withdrawal request there would be approved for now (base units):
   * bounded by the account's margin (the amount may exceed what it holds on that chain) and by the vault's liquidity
   */
  withdrawable: { chainId: number; symbol: string; asset: string; amount: IntString; amountFormatted: DecimalString; blockedBy: 'locked' | 'price' | null }[]
  /** withdrawals whose escrow the vault still holds, then the latest settled ones (up to 50 in all), newest first */
  withdrawals: WithdrawalView[]
  lock: { state: string; epoch: number; chains: number[]; lockedChains: number[] }
  /** the protocol's margin model: `linear` (IMF/MMF per market) or the portfolio engine's `portfolio`, `tiered`, `isolated`, `span` */
  marginMode: 'linear' | 'portfolio' | 'tiered' | 'isolated' | 'span'
  /** the portfolio engine's outputs (absent in `linear` mode) */
  risk?: RiskView
  /**
   * the risk parameter set in force for the account (`GET /v1/risk/parameters`); null before the first calibration.
   * `applied`: the hub margins the account under it (`margin.calibration = 'volatility'`), else it is only published
   */
  parameterSet?: ParameterSetView | null
  /** per chain: the newest block whose events are processed; balances and prices are as of these blocks */
  valuationBlocks: { chainId: number; blockNumber: IntString; blockTimestamp: IntString }[]
  prices: { chainId: number; symbol: string; feed: string; priceUsd8: IntString; roundId: IntString; updatedAt: IntString; ageSeconds: IntString; stale: boolean }[]
  priceProblems: { symbol: string; chainId: number | null; problem: 'missing' | 'stale'; ageSeconds: IntString | null }[]
  liquidations: LiquidationView[]
}

/** `GET /v1/commands/:id`. */
export type CommandView = {
  id: string
  kind: string
  account: string
  destChainId: number
  vault: string
  cause: string
  payload: string
  expiry: IntString
  state: string
  outcome: string | null
  attempts: number
  nextAttemptAt: string
  lastError: string | null
  publishTx: string | null
  sequence: IntString | null
  deliverTx: string | null
  hasVaa: boolean
  createdAt: string
  updatedAt: string
  transitions: { from: string | null; to: string; detail: Record<string, unknown>; at: string }[]
}

/** A position report as `POST /v1/positions` takes it (integers as bigint; the client encodes them). */
export type PositionReportInput = { account: string; market: string; size: bigint; entryPrice: bigint; sequence: bigint }

/** A chain whose watcher halted: ingestion stopped at `blockNumber` (its checkpoint), deposits there are not credited. */
export type HaltedChainView = { chainId: number; name: string; reason: string; blockNumber: IntString; haltedAt: string | null }

/** A chain whose watcher has not seen its head advance for longer than `maxHeadAgeSeconds`. */
export type StaleChainView = {
  chainId: number
  name: string
  /** the newest head the watcher recorded; null when it recorded none yet */
  headBlock: IntString | null
  /** when the watcher first saw that head (its checkpoint write when it recorded none), ISO 8601 */
  headSeenAt: string
  headAgeSeconds: number
  maxHeadAgeSeconds: number
}

/**
 * Who does the work only one node at a time may do among the nodes sharing the database: a chain's watcher
 * (`watcher:<chainId>`, with `chainId`) or a relayer key's sends (`relayer:<address>`). Present only where nodes lease.
 */
export type LeaseView = {
  name: string
  /** the chain of a watcher lease */
  chainId?: number
  /** node id of the holder */
  holder: string
  /** when the holder took it, ISO 8601 */
  acquiredAt: string
  /** database time after which another node may take it, ISO 8601 */
  expiresAt: string
  /** whether it had expired when read (its holder stopped renewing: another node takes it over) */
  expired: boolean
}

/**
 * `GET /ready`: `ready` only when every list but `leases` is empty and no event waits too long (200; else 503).
 * `leases` is informational.
 */
export type ReadyView = {
  ready: boolean
  chainsWithoutCheckpoint: number[]
  lateUnprocessedEvents: number
  haltedChains: HaltedChainView[]
  staleChains: StaleChainView[]
  /** the leases held among nodes sharing the database, by name (absent from nodes that predate them) */
  leases?: LeaseView[]
}

/** One configured chain as `GET /v1/status` shows it. Blocks are decimal strings (`IntString`); ages in seconds. */
export type ChainStatusView = {
  name: string
  chainId: number
  /** `confirmations` (with `confirmations`), `safe` or `finalized` */
  finality: string
  confirmations: number
  /** newest head the watcher has seen; null before its first range */
  headBlock: IntString | null
  /** last block whose logs are fully written; null before the first range */
  checkpointBlock: IntString | null
  /** head − checkpoint (the finality depth included); null while either is unknown */
  lagBlocks: IntString | null
  /** seconds since the head last advanced */
  headAgeSeconds: number | null
  /** why ingestion halted, and since when (ISO 8601); null while it runs */
  halted: { reason: string; since: string | null } | null
  /** events ingested and not yet applied by the aggregator */
  unprocessedEvents: number
}

/** `GET /v1/status` body. */
export type NodeStatusView = { chains: ChainStatusView[]; outbox: Record<string, number> }

/** The body of every error response. */
export type ApiErrorBody = {
  /** `requestId`: the request's `X-Request-Id`, also in the node's access log */
  error: { code: string; message: string; issues?: { path: string; message: string }[]; requestId?: string }
}

/** Types of the hub's schemas without a documented view above, generated from its OpenAPI document. */
type Schemas = components['schemas']

/** A page of a list: `nextCursor` is null on the last page; pass it as `cursor` for the next. */
export type Page<T> = { items: T[]; nextCursor: string | null }
/** An account as the operators' list (`GET /v1/accounts`) shows it. */
export type AccountSummaryView = Schemas['AccountSummary']
/** A command as `GET /v1/commands` lists it: the {@link CommandView} without transitions. */
export type CommandSummaryView = Schemas['CommandSummary']
/** `POST /v1/accounts/:address/what-if`: margin before and after (usd8 decimal strings, health with 4 decimals). */
export type WhatIfResultView = Schemas['WhatIfResult']
/** `GET /v1/accounts/:address/escape`: the arguments of `MarginVault.claimEscape` per vault and asset. */
export type EscapeClaimsView = Schemas['EscapeClaims']
/** `GET /v1/routes`: per destination chain, transport, latency (ms) and traffic. */
export type RoutesView = Schemas['Routes']
/** `GET /v1/risk/parameters`: the current risk parameter set, market inputs, policy and history. */
export type RiskParametersView = Schemas['RiskParameters']
/** `GET /v1/chains`: the hub and every chain with its vault, transport, finality and watcher progress. */
export type ChainsView = Schemas['Chains']
/** One chain of {@link ChainsView}. */
export type ChainView = Schemas['Chain']
/** One collateral asset of `GET /v1/assets`: haircuts (bps) and its price as the hub values it. */
export type AssetView = Schemas['Asset']
/** One market of `GET /v1/markets`: margin fractions (bps), entry band, notional cap (usd8), mark price. */
export type MarketView = Schemas['Market']
/** One oracle answer of `GET /v1/prices` (usd8), with its age (s) and staleness. */
export type PriceView = Schemas['Price']
/** `POST /v1/positions` accepted a report. */
export type PositionReportAccepted = Schemas['PositionReportAccepted']
