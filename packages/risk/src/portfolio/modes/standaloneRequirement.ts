import { InvalidParamsError } from '../errors.js'
import type { MarketState, MarketTierParams, PortfolioParams, PortfolioPosition } from '../types.js'
import type { NettedPosition } from './nettedPosition.js'

/** IM and MM of one position on its own, USD. */
export type Requirement = { im: number; mm: number }

/**
 * Requirement of one netted position on its own, as tiered and isolated margin compute it.
 * - perps and futures: notional N = |qty|·value; MM = Σ_k mmf_k·(part of N in tier k), IM likewise with
 *   imf_k' = imf_k + (1 − imf_k)·clamp((OI − lower)/(upper − lower), 0, 1) (Hyperliquid margin tiers; dYdX v4
 *   open-interest-based IMF, which leaves MMF unchanged).
 * - long options: none (the premium is paid and counted in equity).
 * - short options: Deribit standard margin per unit (shared/data/options/reference_values.json deribit):
 *   IM = max(imBase − OTM/S, imFloor)·S + mark, MM = max(mm·S, mm·mark) + mark, IM ≥ MM.
 * @param position the netted position
 * @param own the account's positions of the instrument (for their single-tier `imfBps`/`mmfBps`)
 * @throws {InvalidParamsError} when no tier table applies to the underlying
 */
export function standaloneRequirement(position: NettedPosition, own: readonly PortfolioPosition[], params: PortfolioParams, market: MarketState): Requirement {
  const { risk, qty } = position
  const units = Math.abs(qty)
  if (units === 0) return { im: 0, mm: 0 }
  const inst = risk.instrument
  const spot = risk.valuation.spot
  if (inst.kind === 'option') {
    if (qty > 0) return { im: 0, mm: 0 }
    const strike = Number(inst.strikeUsd8) / 1e8
    const otm = Math.max(0, inst.right === 'call' ? strike - spot : spot - strike)
    const mark = risk.valuation.value
    const o = params.optionMargin
    const mm = Math.max(o.mm * spot, o.mm * mark) + mark
    const im = Math.max(Math.max(o.imBase - otm / spot, o.imFloor) * spot + mark, mm)
    return { im: units * im, mm: units * mm }
  }
  const table = tierTable(inst.underlying, own, params)
  const notional = units * risk.valuation.value
  const oi = market.underlyings[inst.underlying]?.openInterestUsd
  const scale = table.openInterest && oi !== undefined ? clamp01((oi - table.openInterest.lowerCapUsd) / (table.openInterest.upperCapUsd - table.openInterest.lowerCapUsd)) : 0
  let im = 0
  let mm = 0
  let lo = 0
  for (const tier of table.tiers) {
    const hi = tier.upToUsd ?? Number.POSITIVE_INFINITY
    const part = Math.max(0, Math.min(notional, hi) - lo)
    im += part * (tier.imf + (1 - tier.imf) * scale)
    mm += part * tier.mmf
    lo = hi
    if (notional <= hi) break
  }
  return { im, mm }
}

function tierTable(underlying: string, own: readonly PortfolioPosition[], params: PortfolioParams): MarketTierParams {
  const listed = params.tiers[underlying]
  if (listed) return listed
  const p = own.find((x) => x.imfBps !== undefined && x.mmfBps !== undefined)
  if (p) return { tiers: [{ upToUsd: null, imf: p.imfBps! / 10_000, mmf: p.mmfBps! / 10_000 }] }
  const fallback = params.tiers['*']
  if (fallback) return fallback
  throw new InvalidParamsError(`No tier table for ${underlying} and no '*' table.`)
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 1
}
