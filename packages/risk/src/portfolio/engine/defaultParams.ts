import { checkConcentrationParams } from '../../calibration/concentration/concentrationAddOn.js'
import { InvalidParamsError } from '../errors.js'
import type { PortfolioParams } from '../types.js'

/**
 * Illustrative defaults; a protocol sets its own in config.
 * - MM = 1.0 × (worst loss + contingencies), IM = 1.5 × the same (the ratio form of Paradex's PM, MMR = 50% IMR).
 * - collateral size tiers (Binance Portfolio Margin's collateral-ratio tiers, marginal): +1% of the holding above
 *   $1M, +3% above $5M, +10% above $25M; depeg shocks from observed lows: USDC 0.877 on 2023-03-11 and stETH/ETH
 *   ≈ 0.94 in June 2022 bound how far a peg can slip within a liquidation; staleness +0.2% per minute beyond 60 s,
 *   capped at 10%.
 * - tiers: BTC/ETH 2%/1% IMF/MMF to $1M notional, 5%/2.5% to $10M, 10%/5% beyond; others 5%/2.5% to $500k,
 *   10%/5% to $5M, 20%/10% beyond (the form of Hyperliquid's margin tiers: leverage falls as the position grows).
 * - short options: Deribit standard margin (IM max(15% − OTM/S, 10%)·S + mark, MM 7.5%·S + mark).
 */
export const DEFAULT_PORTFOLIO_PARAMS: PortfolioParams = {
  mmMultiplier: 1,
  imMultiplier: 1.5,
  collateral: {
    sizeTiers: {
      '*': [
        { aboveUsd: 1_000_000, addBps: 100 },
        { aboveUsd: 5_000_000, addBps: 300 },
        { aboveUsd: 25_000_000, addBps: 1000 },
      ],
    },
    depegBps: { USDC: 150, USDT: 200, DAI: 200, FDUSD: 300, WBTC: 200, cbBTC: 200, stETH: 600, wstETH: 600, rETH: 600, weETH: 800 },
    staleness: { afterSeconds: 60, bpsPerMinute: 20, maxBps: 1000 },
  },
  tiers: {
    BTC: majors(),
    ETH: majors(),
    '*': {
      tiers: [
        { upToUsd: 500_000, imf: 0.05, mmf: 0.025 },
        { upToUsd: 5_000_000, imf: 0.1, mmf: 0.05 },
        { upToUsd: null, imf: 0.2, mmf: 0.1 },
      ],
    },
  },
  optionMargin: { imBase: 0.15, imFloor: 0.1, mm: 0.075 },
}

function majors() {
  return {
    tiers: [
      { upToUsd: 1_000_000, imf: 0.02, mmf: 0.01 },
      { upToUsd: 10_000_000, imf: 0.05, mmf: 0.025 },
      { upToUsd: null, imf: 0.1, mmf: 0.05 },
    ],
  }
}

/**
 * Defaults overridden by `params` (each top-level key replaced whole), validated.
 * @throws {InvalidParamsError} when multipliers are not 0 < mm < im, a tier table is unsorted, unbounded nowhere,
 *   has mmf > imf or fractions outside 0..1, a haircut add-on is outside 0..10 000 bps, `diversification.maxCredit`
 *   is outside 0..1, or a concentration depth is not > 0
 */
export function resolveParams(params: Partial<PortfolioParams> = {}): PortfolioParams {
  const p: PortfolioParams = { ...DEFAULT_PORTFOLIO_PARAMS, ...params }
  if (!(p.mmMultiplier > 0) || !(p.imMultiplier > p.mmMultiplier) || !Number.isFinite(p.imMultiplier)) {
    throw new InvalidParamsError(`Need 0 < mmMultiplier < imMultiplier, got ${p.mmMultiplier} and ${p.imMultiplier}.`)
  }
  for (const [u, table] of Object.entries(p.tiers)) {
    if (table.tiers.length === 0) throw new InvalidParamsError(`The tier table of ${u} is empty.`)
    let prev = 0
    table.tiers.forEach((t, k) => {
      const last = k === table.tiers.length - 1
      if (last !== (t.upToUsd === null)) throw new InvalidParamsError(`The tier table of ${u} must end, and only end, with an unbounded tier.`)
      if (t.upToUsd !== null && !(t.upToUsd > prev)) throw new InvalidParamsError(`The tiers of ${u} must grow.`)
      if (!(t.imf >= 0 && t.imf <= 1 && t.mmf >= 0 && t.mmf <= t.imf)) throw new InvalidParamsError(`Tier ${k} of ${u} needs 0 ≤ mmf ≤ imf ≤ 1.`)
      prev = t.upToUsd ?? prev
    })
    const oi = table.openInterest
    if (oi && !(oi.upperCapUsd > oi.lowerCapUsd && oi.lowerCapUsd >= 0)) throw new InvalidParamsError(`The OI caps of ${u} need 0 ≤ lower < upper.`)
  }
  for (const [s, tiers] of Object.entries(p.collateral.sizeTiers)) {
    const total = tiers.reduce((t, x) => t + x.addBps, 0)
    for (const t of tiers) if (!Number.isInteger(t.addBps) || t.addBps < 0 || !(t.aboveUsd >= 0)) throw new InvalidParamsError(`A size tier of ${s} is out of range.`)
    if (Math.max(0, ...tiers.map((t) => t.addBps)) > 10_000 || total < 0) throw new InvalidParamsError(`The size tiers of ${s} exceed 100%.`)
  }
  for (const [s, bps] of Object.entries(p.collateral.depegBps)) {
    if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new InvalidParamsError(`The depeg shock of ${s} (${bps} bps) is not within 0..10000.`)
  }
  const st = p.collateral.staleness
  if (!(st.afterSeconds >= 0 && st.bpsPerMinute >= 0 && st.maxBps >= 0 && st.maxBps <= 10_000)) throw new InvalidParamsError('The staleness charge is out of range.')
  const o = p.optionMargin
  if (!(o.imBase >= 0 && o.imFloor >= 0 && o.mm >= 0)) throw new InvalidParamsError('The standard option margin fractions must be ≥ 0.')
  const d = p.diversification
  if (d && !(d.maxCredit >= 0 && d.maxCredit <= 1)) throw new InvalidParamsError(`maxCredit must be within 0..1, got ${d.maxCredit}.`)
  if (p.concentration) {
    try {
      checkConcentrationParams(p.concentration)
    } catch (e) {
      throw new InvalidParamsError((e as Error).message)
    }
  }
  return p
}
