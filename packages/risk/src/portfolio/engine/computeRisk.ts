import { formatBps } from '../../margin/computeAccountMargin.js'
import { positionNotionalUsd8 } from '../../margin/notional.js'
import { ceilDiv, floorDiv, SIZE_SCALE } from '../../math.js'
import { collateralHoldings } from '../collateral/collateralHoldings.js'
import { routeBreak } from '../collateral/routeBreak.js'
import { valueCollateral } from '../collateral/valueCollateral.js'
import { InvalidInputError } from '../errors.js'
import type { InstrumentRisk } from '../instruments/instrumentRisk.js'
import type { MarketContext } from '../market/marketContext.js'
import type { NettedPosition } from '../modes/nettedPosition.js'
import { marketAddOns } from '../modes/marketAddOns.js'
import { portfolioLoss, type ScenarioHolding } from '../modes/portfolioLoss.js'
import { spanAccountRequirement } from '../modes/spanAccountRequirement.js'
import { standaloneRequirement } from '../modes/standaloneRequirement.js'
import { resolveSpanParams } from '../../span/spanParams.js'
import type {
  AccountRisk,
  IsolatedPositionRisk,
  MarginMode,
  PortfolioAccount,
  PortfolioParams,
  PortfolioPosition,
  PositionGreeks,
  PositionRisk,
} from '../types.js'
import { healthBpsOf, SIZE, usd8Down, usd8Up } from '../units.js'

type Net = NettedPosition & { size: bigint; members: number[] }

/**
 * Computes an account's risk at a prepared market (see `createPortfolioEngine` for the public entry).
 *
 * Equity is exact bigint arithmetic: collateral at its effective haircut (`valueCollateral`), each position's
 * unrealised P&L = floor(size·(mark − entry) / 1e18) with the mark in usd8 (perps: the quote, exact; futures and
 * options: the model value rounded down for a long, up for a short), plus funding, settled P&L, minus fees.
 * Requirements come from float64 scenario math, converted with `usd8Up` (rounded up after a slack of 1e-12 of the
 * gross, so float error never favours the account):
 * - portfolio: MM = m·(worst counted loss + contingencies) + route break, IM = i·(the same) + IM haircut + route
 *   break; risk-cancelling collateral is revalued in the scenarios after the positions (`collateralHoldings`), the IM
 *   haircut is Σ (value at MM haircut − value at IM haircut) and the route break the worst `routeBreak` loss, both
 *   exact usd8 added after the scenario part is rounded up;
 * - portfolio, when configured: the worst loss is floored at (1 − maxCredit) × the largest single-underlying worst
 *   loss (`params.diversification`), and a square-root-law liquidity add-on on each underlying's net delta
 *   (`params.concentration`) is added, rounded up, to both MM and IM (`marketAddOns`);
 * - tiered: Σ standalone requirements (`standaloneRequirement`), one shared equity;
 * - isolated: the same sums; with an allocation on every position, health is the lowest position health;
 * - span: MM = Σ per underlying of CME SPAN's max(scan + intra − inter, short option minimum)
 *   (`spanAccountRequirement`, parameters `params.span`, else the grid's defaults), IM = initialToMaintenance × MM.
 * Positions in one instrument are netted (by `instrumentKey`) before any requirement.
 * @throws {InvalidInputError} on a negative entry price or fees
 */
export function computeRisk(ctx: MarketContext, account: PortfolioAccount, mode: MarginMode, params: PortfolioParams): AccountRisk {
  if (mode !== 'portfolio' && mode !== 'tiered' && mode !== 'isolated' && mode !== 'span') throw new InvalidInputError(`Unknown margin mode ${String(mode)}.`)
  const fees = account.feesOwedUsd8 ?? 0n
  if (fees < 0n) throw new InvalidInputError('Fees owed must be ≥ 0.')
  const scenarios = mode === 'portfolio'
  const collateral = valueCollateral(account.collateral, params.collateral, ctx.market.nowMs, { scenarios })
  const risks = account.positions.map((p) => {
    if (p.entryPrice < 0n) throw new InvalidInputError(`The entry price of ${p.market ?? p.instrument.underlying} must be ≥ 0.`)
    return ctx.instrument(p.instrument)
  })
  const nets = netPositions(account.positions, risks)
  const active = nets.filter((n) => n.size !== 0n)
  const holdings = scenarios ? [...active, ...collateralHoldings(account.collateral, ctx)] : active
  const loss = portfolioLoss(holdings, ctx.set.names.length)
  // diversification cap and concentration add-on (`marketAddOns`); both off unless configured
  const addOns = scenarios && (params.diversification || params.concentration) ? marketAddOns(loss.worstLoss, holdings.map(addOnHolding), ctx.set, params) : null
  const concentrationUsd8 = addOns && addOns.concentrationUsd > 0 ? usd8Up(addOns.concentrationUsd, loss.gross) : 0n
  const collateralImUsd8 = scenarios ? collateral.reduce((s, c) => s + c.weightedUsd8 - c.imWeightedUsd8, 0n) : 0n
  const broken = scenarios ? routeBreak(collateral) : { lossUsd8: 0n, name: null }
  const spanParams = mode === 'span' ? (params.span ?? resolveSpanParams(ctx.set.grid)) : null
  const span = spanParams ? spanAccountRequirement(active, spanParams, ctx.market) : null
  const standalone = mode === 'portfolio' || span ? [] : active.map((n) => standaloneRequirement(n, n.members.map((i) => account.positions[i]!), params, ctx.market))

  let baseIm = 0
  let baseMm = 0
  // scale of the float sums behind the requirement (bounds their rounding error)
  const gross = loss.gross * Math.max(1, params.imMultiplier, spanParams?.initialToMaintenance ?? 1)
  if (mode === 'portfolio') {
    const base = (addOns ? addOns.worstLossUsd : loss.worstLoss) + loss.contingency
    baseIm = params.imMultiplier * base
    baseMm = params.mmMultiplier * base
  } else if (span && spanParams) {
    baseMm = span.mm
    baseIm = spanParams.initialToMaintenance * span.mm
  } else {
    for (const r of standalone) {
      baseIm += r.im
      baseMm += r.mm
    }
  }
  // the IM haircut and the route break are exact usd8 amounts, added after rounding the scenario part
  const imUsd8 = usd8Up(baseIm, gross) + collateralImUsd8 + broken.lossUsd8 + concentrationUsd8
  const mmUsd8 = usd8Up(baseMm, gross) + broken.lossUsd8 + concentrationUsd8

  const perNet = new Map<Net, { im: number; mm: number }>()
  active.forEach((n, k) => {
    const c = loss.contributions[k]!
    const spanMm = span?.perPosition[k]
    if (spanMm !== undefined) perNet.set(n, { im: spanParams!.initialToMaintenance * spanMm, mm: spanMm })
    else perNet.set(n, mode === 'portfolio' ? { im: params.imMultiplier * c, mm: params.mmMultiplier * c } : standalone[k]!)
  })
  const netOf = new Map<number, Net>()
  for (const n of nets) for (const i of n.members) netOf.set(i, n)

  const positions: PositionRisk[] = account.positions.map((p, i) => {
    const risk = risks[i]!
    const net = netOf.get(i)!
    const share = net.size === 0n ? 0 : Number(p.size) / Number(net.size)
    const req = perNet.get(net) ?? { im: 0, mm: 0 }
    return positionRisk(p, risk, ctx, share * req.im, share * req.mm)
  })

  const collateralUsd8 = collateral.reduce((s, c) => s + c.weightedUsd8, 0n)
  const unrealizedPnlUsd8 = positions.reduce((s, p) => s + p.unrealizedPnlUsd8, 0n)
  const fundingUsd8 = positions.reduce((s, p) => s + p.fundingUsd8, 0n)
  const equityUsd8 = collateralUsd8 + unrealizedPnlUsd8 + fundingUsd8 + account.settledPnlUsd8 - fees

  let healthBps = healthBpsOf(equityUsd8, mmUsd8)
  let isolated: IsolatedPositionRisk[] | undefined
  if (mode === 'isolated' && account.positions.length > 0 && account.positions.every((p) => p.isolatedMarginUsd8 !== undefined)) {
    isolated = positions.map((p, i) => {
      const allocatedUsd8 = account.positions[i]!.isolatedMarginUsd8!
      const eq = allocatedUsd8 + p.unrealizedPnlUsd8 + p.fundingUsd8
      return { market: p.market, allocatedUsd8, equityUsd8: eq, mmUsd8: p.mmUsd8, healthBps: healthBpsOf(eq, p.mmUsd8) }
    })
    const hs = isolated.map((x) => x.healthBps).filter((h): h is bigint => h !== null)
    healthBps = hs.length === 0 ? null : hs.reduce((a, b) => (a < b ? a : b))
  }

  const greeks: Record<string, PositionGreeks> = {}
  for (const p of positions) {
    const u = p.instrument.underlying
    const g = greeks[u] ?? { delta: 0, gamma: 0, vega: 0, theta: 0, deltaUsd: 0 }
    greeks[u] = g
    g.delta += p.greeks.delta
    g.gamma += p.greeks.gamma
    g.vega += p.greeks.vega
    g.theta += p.greeks.theta
    g.deltaUsd += p.greeks.deltaUsd
  }
  const worstCounted = loss.worstIndex < 0 ? 0 : Math.max(0, -loss.pnl[loss.worstIndex]!)
  const grid = ctx.set.grid
  const risk: AccountRisk = {
    mode,
    collateral,
    positions,
    collateralUsd8,
    unrealizedPnlUsd8,
    fundingUsd8,
    settledPnlUsd8: account.settledPnlUsd8,
    feesOwedUsd8: fees,
    equityUsd8,
    imUsd8,
    mmUsd8,
    freeCollateralUsd8: equityUsd8 - imUsd8,
    healthBps,
    health: healthBps === null ? null : formatBps(healthBps),
    worstLossUsd8: usd8Up(loss.worstLoss, loss.gross),
    contingencyUsd8: mode === 'portfolio' ? usd8Up(loss.contingency, loss.gross) : 0n,
    collateralImUsd8,
    routeBreakUsd8: broken.lossUsd8,
    routeBreak: broken.name,
    worstScenario: loss.worstIndex < 0 ? null : ctx.set.names[loss.worstIndex]!,
    scenarioNames: ctx.set.names,
    scenarioPnlUsd: loss.pnl,
    greeks,
    pnlSigmaUsd8: usd8Up(worstCounted / grid.sigmaCoverage, loss.gross),
    sigmaHorizonSeconds: grid.horizonSeconds,
  }
  if (isolated) risk.isolated = isolated
  if (span) risk.span = span.commodities
  if (addOns?.diversification) {
    const d = addOns.diversification
    risk.diversification = { underlying: d.underlyingIndex < 0 ? null : ctx.set.underlyings[d.underlyingIndex]!, largestUsd8: usd8Up(d.largestUsd, loss.gross), floorUsd8: usd8Up(d.floorUsd, loss.gross), binding: d.binding }
  }
  if (params.concentration && scenarios) risk.concentrationUsd8 = concentrationUsd8
  return risk
}

/** A scenario holding as `marketAddOns` reads it. */
const addOnHolding = (h: ScenarioHolding) => ({ qty: h.qty, row: h.risk.row, underlyingIndex: h.risk.underlyingIndex, deltaUsdPerUnit: h.risk.valuation.greeks.deltaUsd })

/** Groups positions by instrument, in first-seen order; the float quantity is taken from the exact bigint sum. */
function netPositions(positions: readonly PortfolioPosition[], risks: readonly InstrumentRisk[]): Net[] {
  const byKey = new Map<string, Net>()
  positions.forEach((p, i) => {
    const risk = risks[i]!
    let n = byKey.get(risk.key)
    if (!n) {
      n = { risk, qty: 0, size: 0n, members: [] }
      byKey.set(risk.key, n)
    }
    n.size += p.size
    n.members.push(i)
  })
  for (const n of byKey.values()) n.qty = Number(n.size) / SIZE
  return [...byKey.values()]
}

function positionRisk(p: PortfolioPosition, risk: InstrumentRisk, ctx: MarketContext, im: number, mm: number): PositionRisk {
  const v = risk.valuation
  const quote = ctx.market.underlyings[p.instrument.underlying]!
  let markPrice: bigint
  if (p.instrument.kind === 'perp') markPrice = quote.markUsd8 ?? quote.spotUsd8
  else markPrice = p.size >= 0n ? usd8Down(v.value) : usd8Up(v.value)
  const qty = Number(p.size) / SIZE
  const notionalPrice = p.instrument.kind === 'option' ? quote.spotUsd8 : markPrice
  const notionalUsd8 = positionNotionalUsd8(p.size, notionalPrice)
  const imUsd8 = usd8Up(im)
  const mmUsd8 = usd8Up(mm)
  return {
    market: p.market ?? risk.key,
    instrument: p.instrument,
    size: p.size,
    entryPrice: p.entryPrice,
    markPrice,
    imfBps: notionalUsd8 > 0n ? Number(ceilDiv(imUsd8 * 10_000n, notionalUsd8)) : 0,
    mmfBps: notionalUsd8 > 0n ? Number(ceilDiv(mmUsd8 * 10_000n, notionalUsd8)) : 0,
    notionalUsd8,
    unrealizedPnlUsd8: floorDiv(p.size * (markPrice - p.entryPrice), SIZE_SCALE),
    imUsd8,
    mmUsd8,
    fundingUsd8: p.fundingUsd8 ?? 0n,
    greeks: {
      delta: qty * v.greeks.delta,
      gamma: qty * v.greeks.gamma,
      vega: qty * v.greeks.vega,
      theta: qty * v.greeks.theta,
      deltaUsd: qty * v.greeks.deltaUsd,
    },
  }
}
