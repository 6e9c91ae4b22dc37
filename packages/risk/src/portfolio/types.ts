import type { CollateralItemInput, CollateralItemMargin, PositionMargin } from '../margin/types.js'
import type { ConcentrationParams } from '../calibration/concentration/concentrationAddOn.js'
import type { OptionRight, VolSurface } from '../pricing/index.js'
import type { SpanParams } from '../span/spanParams.js'
import type { SpanCommodityRisk } from './modes/spanAccountRequirement.js'

/** A perpetual future: marked at the underlying's mark price, funding accrued separately. */
export type PerpInstrument = { kind: 'perp'; underlying: string }
/** A dated future, valued at the forward `spot · e^{r·T}` (cost of carry, no yield). */
export type FutureInstrument = { kind: 'future'; underlying: string; /** expiry, unix ms */ expiryMs: number }
/** A European option on the forward, priced with Black-76 at the surface's vol. */
export type OptionInstrument = {
  kind: 'option'
  underlying: string
  /** expiry, unix ms */
  expiryMs: number
  /** strike, usd8 */
  strikeUsd8: bigint
  right: OptionRight
}
/** What a position is in. Two positions with equal descriptors are the same instrument and are netted. */
export type Instrument = PerpInstrument | FutureInstrument | OptionInstrument

/** One position of an account. */
export type PortfolioPosition = {
  instrument: Instrument
  /** signed size in units of the underlying, 18 decimals (negative = short) */
  size: bigint
  /** average entry price (option premium per unit for options), usd8 */
  entryPrice: bigint
  /** funding accrued and not yet settled, usd8, signed (+ = owed to the account) */
  fundingUsd8?: bigint
  /** label shown in outputs; defaults to the instrument key, e.g. `BTC-PERP` */
  market?: string
  /** tiered/isolated modes: single-tier IMF/MMF (bps) used when the params have no tier table for the underlying */
  imfBps?: number
  mmfBps?: number
  /** isolated mode: margin allocated to this position, usd8 (its health is (allocation + P&L) / MM) */
  isolatedMarginUsd8?: bigint
}

/** A collateral balance on one chain; `haircutBps` is the base haircut of (asset, chain) from config. */
export type PortfolioCollateral = CollateralItemInput & {
  /** when the oracle price was last updated, unix ms (missing = fresh) */
  priceUpdatedAtMs?: number
  /**
   * risk factor the asset follows, e.g. `ETH` for WETH, `BTC` for WBTC, `USD` (the numeraire: flat in every scenario)
   * for a stablecoin; defaults to `symbol`. Liquidation prices move it with its underlying; a risk-cancelling item is
   * revalued in the scenarios with this underlying's spot move.
   */
  underlying?: string
  /**
   * portfolio mode: revalue the item in every scenario like a delta-one position on `underlying`
   * (P&L = units × price × spot move × scenario weight), so a short perp against it nets. Its haircuts are then
   * `mmHaircutBps` / `imHaircutBps` (what the scenarios do not cover) instead of `haircutBps`. Default false.
   */
  riskCancelling?: boolean
  /** base haircut of a risk-cancelling item in equity (MM side), bps 0..10 000; defaults to `haircutBps` */
  mmHaircutBps?: number
  /** base haircut of a risk-cancelling item for IM, bps, mmHaircutBps ≤ imHaircutBps ≤ 10 000; defaults to the MM one */
  imHaircutBps?: number
  /**
   * portfolio mode, wrapped/bridged assets: loss (bps of value) of the route-break scenario of this (asset, chain), in
   * which the item drops by this fraction while every underlying is flat; missing or 0 = no such scenario
   */
  routeBreakLossBps?: number
}

export type PortfolioAccount = {
  collateral: readonly PortfolioCollateral[]
  positions: readonly PortfolioPosition[]
  /** realised P&L not yet settled against collateral, usd8, signed */
  settledPnlUsd8: bigint
  /** fees owed, usd8, ≥ 0 */
  feesOwedUsd8?: bigint
}

/** Prices of one underlying. */
export type UnderlyingQuote = {
  /** index (spot) price, usd8 */
  spotUsd8: bigint
  /** perpetual mark price, usd8; defaults to the spot */
  markUsd8?: bigint
  /** when the price was last updated, unix ms (staleness contingency) */
  updatedAtMs: number
  /** open interest of the underlying's perpetual, USD (tiered mode's OI scaling) */
  openInterestUsd?: number
}

/** The market one revaluation uses. The set of underlyings fixes the decorrelation scenarios. */
export type MarketState = {
  /** valuation time, unix ms */
  nowMs: number
  underlyings: Readonly<Record<string, UnderlyingQuote>>
  /** vol surface per underlying (needed only for underlyings with options) */
  surfaces: Readonly<Record<string, VolSurface>>
  /** continuously compounded rate per year (forward carry and option discounting) */
  rate: number
}

/** How requirements are computed. `span`: CME SPAN per underlying (`../span`, `modes/spanAccountRequirement`). */
export type MarginMode = 'portfolio' | 'tiered' | 'isolated' | 'span'

/** One notional tier (progressive: the fraction applies to the part of the notional inside the tier). */
export type NotionalTier = { /** upper bound of the tier, USD; null = unbounded */ upToUsd: number | null; imf: number; mmf: number }

/** Tier table of one underlying's linear markets (perps and futures), Hyperliquid-style tiers, dYdX-style OI scaling. */
export type MarketTierParams = {
  tiers: NotionalTier[]
  /** dYdX v4 OIMF: IMF rises linearly from its tier value at `lowerCapUsd` of OI to 100% at `upperCapUsd` */
  openInterest?: { lowerCapUsd: number; upperCapUsd: number }
}

/** Collateral haircut add-ons on top of each item's base (asset, chain) haircut. */
export type CollateralParams = {
  /** marginal add-on (bps) per tier of the account's total holding of the symbol (all chains), USD; `*` for any symbol */
  sizeTiers: Readonly<Record<string, readonly { aboveUsd: number; addBps: number }[]>>
  /** depeg shock (bps) of stablecoins and wrapped/staked assets, by symbol */
  depegBps: Readonly<Record<string, number>>
  /** stale price charge: `bpsPerMinute` for each minute beyond `afterSeconds`, capped at `maxBps` */
  staleness: { afterSeconds: number; bpsPerMinute: number; maxBps: number }
}

/** Deribit standard margin of a short option (tiered and isolated modes), fractions of the underlying's spot. */
export type StandardOptionMargin = { imBase: number; imFloor: number; mm: number }

export type PortfolioParams = {
  /** MM = mmMultiplier × (worst loss + contingencies), portfolio mode */
  mmMultiplier: number
  /** IM = imMultiplier × (worst loss + contingencies), > mmMultiplier */
  imMultiplier: number
  collateral: CollateralParams
  /** tier tables by underlying; `*` for the rest */
  tiers: Readonly<Record<string, MarketTierParams>>
  optionMargin: StandardOptionMargin
  /** span mode: resolved SPAN parameters (`resolveSpanParams`; the engine fills them from its grid when missing) */
  span?: SpanParams
  /** portfolio mode: cap on diversification credit across underlyings; missing = uncapped (joint scenarios only) */
  diversification?: DiversificationParams
  /** portfolio mode: square-root-law liquidity add-on on large net exposures, in MM and IM; missing = none */
  concentration?: ConcentrationParams
}

/**
 * Cap on the credit the joint scenarios give across underlyings: the worst loss charged is at least
 * `(1 − maxCredit) × the largest single-underlying worst loss` (see `diversificationFloor`).
 */
export type DiversificationParams = {
  /** published fraction 0..1; the hub shrinks it as correlations converge to one (`effectiveMaxCredit`) */
  maxCredit: number
}

/** Greeks of a position or of an underlying's positions, in the account's units. */
export type PositionGreeks = {
  /** ∂V/∂spot, units of the underlying */
  delta: number
  /** ∂²V/∂spot², units of the underlying per USD */
  gamma: number
  /** ∂V/∂σ, USD per 1.00 of vol */
  vega: number
  /** ∂V/∂t, USD per year */
  theta: number
  /** delta × spot, USD */
  deltaUsd: number
}

/** A position's figures. Extends the linear model's `PositionMargin` so existing readers keep working. */
export type PositionRisk = PositionMargin & {
  instrument: Instrument
  /** funding accrued, usd8 */
  fundingUsd8: bigint
  greeks: PositionGreeks
}

/**
 * A collateral item's figures; `haircutBps` is the effective haircut in equity (base + size tier + depeg + staleness,
 * rounded up), `baseHaircutBps` the base it started from (`mmHaircutBps` for an item in the scenarios).
 */
export type CollateralRisk = PortfolioCollateral &
  Pick<CollateralItemMargin, 'valueUsd8' | 'weightedUsd8'> & {
  baseHaircutBps: number
  tierBps: number
  depegBps: number
  staleBps: number
  /** the item is revalued in the scenarios (risk-cancelling, portfolio mode) */
  inScenarios: boolean
  /** effective IM haircut, bps, ≥ `haircutBps` (equal outside the scenarios) */
  imHaircutBps: number
  /** value at the IM haircut, usd8, rounded down; IM carries `weightedUsd8 − imWeightedUsd8` */
  imWeightedUsd8: bigint
}

/** One isolated position's health (isolated mode with allocations). */
export type IsolatedPositionRisk = { market: string; allocatedUsd8: bigint; equityUsd8: bigint; mmUsd8: bigint; healthBps: bigint | null }

/**
 * An account's risk. Carries every field of the linear model's `AccountMargin` (same names, units and rounding
 * rule), so callers of `computeAccountMargin` and `maxWithdrawable` can switch without other changes.
 */
export type AccountRisk = {
  mode: MarginMode
  collateral: CollateralRisk[]
  positions: PositionRisk[]
  /** Σ weighted collateral, usd8 */
  collateralUsd8: bigint
  /** Σ unrealised P&L (funding excluded), usd8 */
  unrealizedPnlUsd8: bigint
  /** Σ funding accrued, usd8 */
  fundingUsd8: bigint
  settledPnlUsd8: bigint
  feesOwedUsd8: bigint
  /** collateral + unrealised + funding + settled − fees, usd8, rounded down */
  equityUsd8: bigint
  imUsd8: bigint
  mmUsd8: bigint
  /** equity − IM, usd8 */
  freeCollateralUsd8: bigint
  /** equity / MM in bps (isolated with allocations: the lowest position health), rounded down; null when MM = 0 */
  healthBps: bigint | null
  health: string | null
  /** largest counted scenario loss, usd8, rounded up (0 when every scenario gains) */
  worstLossUsd8: bigint
  /** contingency charges, usd8, rounded up (portfolio mode; 0 otherwise) */
  contingencyUsd8: bigint
  /** Σ over collateral of (value at MM haircut − value at IM haircut), usd8, exact: the IM haircut's share of IM */
  collateralImUsd8: bigint
  /** loss of the worst route-break scenario, usd8, rounded up; in both IM and MM (0 without such items) */
  routeBreakUsd8: bigint
  /** `route-break/<chainId>:<asset>` of that scenario, null without one */
  routeBreak: string | null
  /** name of the scenario with the lowest counted P&L; null without positions or risk-cancelling collateral */
  worstScenario: string | null
  /** scenario names, sorted, index-aligned with `scenarioPnlUsd` */
  scenarioNames: readonly string[]
  /** counted (weighted) portfolio P&L per scenario, USD, float64 */
  scenarioPnlUsd: Float64Array
  /** Greeks summed per underlying */
  greeks: Record<string, PositionGreeks>
  /** σ of portfolio P&L over `sigmaHorizonSeconds`, usd8, rounded up (see `latencyBufferUsd8`) */
  pnlSigmaUsd8: bigint
  sigmaHorizonSeconds: number
  /** isolated mode: per-position health when every position has an allocation */
  isolated?: IsolatedPositionRisk[]
  /** span mode: the SPAN figures per underlying (USD floats; MM is their requirements' sum, rounded up) */
  span?: SpanCommodityRisk[]
  /** portfolio mode with `params.diversification`: the largest single-underlying worst loss and the floor it sets */
  diversification?: { underlying: string | null; largestUsd8: bigint; floorUsd8: bigint; binding: boolean }
  /** portfolio mode with `params.concentration`: the liquidity add-on, usd8, rounded up, in both IM and MM */
  concentrationUsd8?: bigint
}
