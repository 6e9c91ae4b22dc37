/** One collateral balance the account holds on one chain. */
export type CollateralItemInput = {
  chainId: number
  /** canonical symbol, e.g. `ETH` */
  symbol: string
  /** token address on `chainId` */
  asset: string
  /** token base units, ≥ 0 */
  amount: bigint
  /** token decimals */
  decimals: number
  /** oracle price, USD with 8 decimals; ≤ 0 values the item at zero */
  priceUsd8: bigint
  /** haircut, bps of market value (0..10 000) */
  haircutBps: number
}

/** One perpetual position. */
export type PositionInput = {
  /** market symbol, e.g. `ETH-PERP` */
  market: string
  /** signed size, 18 decimals (negative = short) */
  size: bigint
  /** average entry price, usd8 */
  entryPrice: bigint
  /** mark price, usd8 */
  markPrice: bigint
  /** initial margin fraction, bps of notional */
  imfBps: number
  /** maintenance margin fraction, bps of notional */
  mmfBps: number
}

export type AccountMarginInput = {
  collateral: readonly CollateralItemInput[]
  positions: readonly PositionInput[]
  /** realised P&L not yet settled against collateral, usd8, signed */
  settledPnlUsd8: bigint
}

export type CollateralItemMargin = CollateralItemInput & {
  /** market value, usd8, rounded down */
  valueUsd8: bigint
  /** value after haircut, usd8, rounded down */
  weightedUsd8: bigint
}

export type PositionMargin = PositionInput & {
  /** |size| × mark, usd8, rounded up */
  notionalUsd8: bigint
  /** size × (mark − entry), usd8, rounded down (toward −∞) */
  unrealizedPnlUsd8: bigint
  /** notional × imf, usd8, rounded up */
  imUsd8: bigint
  /** notional × mmf, usd8, rounded up */
  mmUsd8: bigint
}

export type AccountMargin = {
  collateral: CollateralItemMargin[]
  positions: PositionMargin[]
  /** Σ weighted collateral, usd8 */
  collateralUsd8: bigint
  /** Σ unrealized P&L, usd8 */
  unrealizedPnlUsd8: bigint
  settledPnlUsd8: bigint
  /** Σ weighted collateral + Σ unrealized P&L + settled P&L, usd8 */
  equityUsd8: bigint
  /** initial margin requirement, usd8 */
  imUsd8: bigint
  /** maintenance margin requirement, usd8 */
  mmUsd8: bigint
  /** equity − IM, usd8 (negative when the account is below initial margin) */
  freeCollateralUsd8: bigint
  /** equity / MM in bps (10 000 = 1.0), rounded down; `null` when MM = 0 (no requirement) */
  healthBps: bigint | null
  /** equity / MM as a decimal string with 4 decimals (e.g. `"1.2500"`), `null` when MM = 0 */
  health: string | null
}
