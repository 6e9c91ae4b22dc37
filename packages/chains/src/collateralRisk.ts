import { z } from 'zod'

const bps = z.number().int().min(0).max(10_000)

/**
 * Underlyings whose collateral is risk-cancelling unless an asset says otherwise: the majors, whose spot the hub
 * marks every perp on and whose wrappers (WETH, WBTC, stETH-like) track them one for one.
 */
export const RISK_CANCELLING_UNDERLYINGS: ReadonlySet<string> = new Set(['ETH', 'BTC'])

/**
 * Default base haircuts of risk-cancelling collateral, bps: what the scenarios do not cover (the cost of selling it in
 * a liquidation, custody, the wrapper's small depeg). Within the range of Derive's PMRM_2 portfolio cases for
 * risk-cancelling collateral (`MMHaircut` 1.5-5 %, `IMHaircut` +0.5-1.5 % on top; derivexyz/v2-core
 * `test/risk-managers/unit-tests/PMRM_2/portfolio_cases/`). Each is capped at the asset's own `haircutBps`.
 */
export const RISK_CANCELLING_HAIRCUTS = { mmBps: 200, imBps: 300 } as const

/** The optional fields of an asset that shape its treatment in the portfolio engine's scenarios. */
export const collateralRiskFields = {
  /**
   * risk factor the asset follows (WETH and stETH-like wrappers → `ETH`, WBTC → `BTC`, a stablecoin → its peg);
   * default: `symbol`
   */
  underlying: z.string().min(1).optional(),
  /**
   * portfolio mode: revalue the asset in every scenario with its underlying's spot move, like a delta-one position, so
   * a short perp against it nets; default: on when `underlying` is one of {@link RISK_CANCELLING_UNDERLYINGS}
   */
  riskCancelling: z.boolean().optional(),
  /** risk-cancelling asset: its haircut in equity (maintenance side), bps; default {@link RISK_CANCELLING_HAIRCUTS} */
  mmHaircutBps: bps.optional(),
  /** risk-cancelling asset: its haircut against initial margin, bps, ≥ `mmHaircutBps` (the total, not an add-on) */
  imHaircutBps: bps.optional(),
  /**
   * wrapped or bridged asset: the loss of its route-break scenario, bps of its value (the asset on this chain drops by
   * this fraction while its underlying is flat: the bridge or wrapper failed); absent = canonical, no such scenario
   */
  routeBreakLossBps: bps.optional(),
}

/** An asset's scenario treatment with every default applied. */
export type CollateralRisk = {
  underlying: string
  riskCancelling: boolean
  /** haircut in equity, bps: `haircutBps` unless risk-cancelling */
  mmHaircutBps: number
  /** haircut against initial margin, bps, ≥ `mmHaircutBps` */
  imHaircutBps: number
  routeBreakLossBps?: number
}

/**
 * Applies the defaults of {@link collateralRiskFields} to an asset: the underlying defaults to the symbol; majors are
 * risk-cancelling; a risk-cancelling asset's haircuts default to {@link RISK_CANCELLING_HAIRCUTS}, each capped at
 * `haircutBps`; any other asset keeps `haircutBps` for both.
 */
export function collateralRiskOf(asset: {
  symbol: string
  haircutBps: number
  underlying?: string | undefined
  riskCancelling?: boolean | undefined
  mmHaircutBps?: number | undefined
  imHaircutBps?: number | undefined
  routeBreakLossBps?: number | undefined
}): CollateralRisk {
  const underlying = asset.underlying ?? asset.symbol
  const riskCancelling = asset.riskCancelling ?? RISK_CANCELLING_UNDERLYINGS.has(underlying)
  const mmHaircutBps = asset.mmHaircutBps ?? (riskCancelling ? Math.min(asset.haircutBps, RISK_CANCELLING_HAIRCUTS.mmBps) : asset.haircutBps)
  const imDefault = riskCancelling ? Math.min(asset.haircutBps, RISK_CANCELLING_HAIRCUTS.imBps) : asset.haircutBps
  const imHaircutBps = asset.imHaircutBps ?? Math.max(mmHaircutBps, imDefault)
  return {
    underlying,
    riskCancelling,
    mmHaircutBps,
    imHaircutBps,
    ...(asset.routeBreakLossBps ? { routeBreakLossBps: asset.routeBreakLossBps } : {}),
  }
}
