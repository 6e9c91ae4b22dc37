import type { Config } from '@unimargin/chains'
import type { AccountView, RiskView } from '@unimargin/client'
import { commands, type DbOrTx, desc, eq, inArray, liquidations, withdrawals } from '@unimargin/db'
import { formatUnits, getAddress } from 'viem'
import { toUnixSeconds } from '../common/format.js'
import { readAccount } from '../ledger/index.js'
import {
  type AccountValuation,
  collateralItemOf,
  marketStateOf,
  portfolioAccountOf,
  riskModelOf,
  valueAccount,
  withdrawableAmounts,
} from '../valuation/index.js'
import { withdrawalBufferFor } from '../routes/index.js'
import { liquidityKey, loadViewMarket, type ViewMarket } from './viewMarket.js'

type Totals = { valueUsd8: bigint; weightedUsd8: bigint }
function addTo<K>(map: Map<K, Totals>, key: K, item: Totals) {
  const t = map.get(key) ?? { valueUsd8: 0n, weightedUsd8: 0n }
  map.set(key, { valueUsd8: t.valueUsd8 + item.valueUsd8, weightedUsd8: t.weightedUsd8 + item.weightedUsd8 })
}

const s = (v: bigint) => v.toString()
const sn = (v: bigint | null | undefined) => (v === null || v === undefined ? null : v.toString())
/** usd8 as a decimal string of USD, for display beside the exact integer */
const usd = (v: bigint) => formatUnits(v, 8)

/** The decimals of `asset` on `chainId` as configured; undefined for an asset not configured there. */
export function assetDecimals(config: Config, chainId: number, asset: string): number | undefined {
  const lower = asset.toLowerCase()
  return config.chains.find((c) => c.chainId === chainId)?.assets.find((a) => a.address.toLowerCase() === lower)?.decimals
}

/** A withdrawal row as the API shows it, with `commandState` looked up by the caller. */
export function withdrawalView(config: Config, w: typeof withdrawals.$inferSelect, commandState: string | null): AccountView['withdrawals'][number] {
  const decimals = assetDecimals(config, w.chainId, w.asset)
  return {
    chainId: w.chainId,
    requestId: s(w.requestId),
    asset: w.asset,
    amount: s(w.amount),
    amountFormatted: decimals === undefined ? null : formatUnits(w.amount, decimals),
    recipient: w.recipient,
    state: w.state,
    reason: w.reason,
    limit: sn(w.limit),
    commandId: w.commandId,
    commandState,
    pending: !w.escrowClosedAt,
    requestedTx: w.requestedTx,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  }
}

/** A liquidation row as the API shows it. */
export function liquidationView(l: typeof liquidations.$inferSelect): AccountView['liquidations'][number] {
  return {
    id: s(l.id),
    lockEpoch: l.lockEpoch,
    state: l.state,
    debtUsd8: s(l.debt),
    penaltyUsd8: s(l.penalty),
    seizedValueUsd8: s(l.seizedValue),
    shortfallUsd8: s(l.shortfall),
    insuranceCoveredUsd8: s(l.insuranceCovered),
    socializedLossUsd8: s(l.socializedLoss),
    seizures: l.seizures.map((x) => ({ ...x, seizedAmount: x.seizedAmount ?? null })),
    closedPositions: l.closedPositions,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  }
}

/**
 * Reads an account's full view: margin totals, collateral per item, chain and asset, positions, withdrawable
 * amounts after the buffer, withdrawals with their decision and command, lock, valuation blocks, prices and
 * liquidations. Read-only; an address never seen yields an empty unlocked account.
 * @param address any-case 0x address
 * @param now the clock, used as "now" for price ages on chains with no processed block and the routes' sample window
 * @param market what every account's view shares, read at `now` ({@link loadViewMarket}); read here when omitted
 * @throws viem's InvalidAddressError when `address` is not an address.
 */
export async function getAccountView(db: DbOrTx, config: Config, address: string, now: Date = new Date(), market?: ViewMarket): Promise<AccountView> {
  const checksummed = getAddress(address)
  const shared = market ?? (await loadViewMarket(db, config, now))
  const account = await readAccount(db, checksummed)
  const valuation = await valueAccount(db, config, account, toUnixSeconds(now), shared.book)
  const { margin } = valuation
  const wRows = await db.select().from(withdrawals).where(eq(withdrawals.account, checksummed)).orderBy(desc(withdrawals.createdAt)).limit(200)
  const shownW = [...wRows.filter((w) => !w.escrowClosedAt), ...wRows.filter((w) => w.escrowClosedAt)].slice(0, 50)
  const commandIds = shownW.map((w) => w.commandId).filter((id) => id !== null)
  const commandStates = new Map(
    commandIds.length === 0
      ? []
      : (await db.select({ id: commands.id, state: commands.state }).from(commands).where(inArray(commands.id, commandIds))).map((c) => [c.id, c.state]),
  )
  const liqRows = await db.select().from(liquidations).where(eq(liquidations.account, checksummed)).orderBy(desc(liquidations.id)).limit(20)
  const latencies = shared.latencies
  const bufferByChain = new Map(latencies.map((r) => [r.chainId, withdrawalBufferFor(config, margin, r)]))
  const buffer = [...bufferByChain.values()].reduce((a, b) => (b > a ? b : a), 0n)
  const blockedBy = account.lockState !== 'unlocked' ? 'locked' : valuation.priceProblems.length > 0 ? 'price' : null
  // every configured (chain, asset): a withdrawal may be paid on a chain where the account holds nothing,
  // up to what the margin allows and the vault there holds
  const targets = config.chains.flatMap((chain) =>
    chain.assets.map((asset) => {
      const held = valuation.items.find((c) => c.chainId === chain.chainId && c.asset === asset.address)
      return held ?? collateralItemOf(valuation.book, chain.chainId, asset, 0n)
    }),
  )
  const byMargin = blockedBy
    ? targets.map(() => 0n)
    : withdrawableAmounts(valuation.config, valuation.book, toUnixSeconds(now), { items: valuation.items, positions: valuation.positions, settledPnlUsd8: account.settledPnl }, margin, targets, bufferByChain)
  const withdrawable: AccountView['withdrawable'] = []
  for (const [i, item] of targets.entries()) {
    const limit = byMargin[i] ?? 0n
    const liquidity = shared.liquidity.get(liquidityKey(item.chainId, item.asset)) ?? 0n
    const amount = limit < liquidity ? limit : liquidity > 0n ? liquidity : 0n
    withdrawable.push({ chainId: item.chainId, symbol: item.symbol, asset: item.asset, amount: s(amount), amountFormatted: formatUnits(amount, item.decimals), blockedBy })
  }

  const byChain = new Map<number, Totals>()
  const byAsset = new Map<string, Totals>()
  for (const c of margin.collateral) {
    addTo(byChain, c.chainId, c)
    addTo(byAsset, c.symbol, c)
  }

  return {
    address: checksummed,
    equityUsd8: s(margin.equityUsd8),
    equityUsd: usd(margin.equityUsd8),
    imUsd8: s(margin.imUsd8),
    imUsd: usd(margin.imUsd8),
    mmUsd8: s(margin.mmUsd8),
    mmUsd: usd(margin.mmUsd8),
    freeCollateralUsd8: s(margin.freeCollateralUsd8),
    freeCollateralUsd: usd(margin.freeCollateralUsd8),
    health: margin.health,
    healthBps: sn(margin.healthBps),
    collateralUsd8: s(margin.collateralUsd8),
    collateralUsd: usd(margin.collateralUsd8),
    unrealizedPnlUsd8: s(margin.unrealizedPnlUsd8),
    unrealizedPnlUsd: usd(margin.unrealizedPnlUsd8),
    settledPnlUsd8: s(account.settledPnl),
    settledPnlUsd: usd(account.settledPnl),
    positionSequence: s(account.positionSequence),
    collateral: margin.collateral.map((c, i) => {
      const quote = valuation.items[i]?.quote
      return {
        chainId: c.chainId,
        symbol: c.symbol,
        asset: c.asset,
        amount: s(c.amount),
        amountFormatted: formatUnits(c.amount, c.decimals),
        decimals: c.decimals,
        priceUsd8: quote ? s(quote.priceUsd8) : null,
        priceUsd: quote ? usd(quote.priceUsd8) : null,
        priceAgeSeconds: quote ? s(quote.ageSeconds) : null,
        priceStale: quote ? quote.stale : true,
        haircutBps: c.haircutBps,
        underlying: valuation.items[i]?.underlying ?? c.symbol,
        riskCancelling: valuation.items[i]?.riskCancelling ?? false,
        mmHaircutBps: valuation.items[i]?.mmHaircutBps ?? c.haircutBps,
        imHaircutBps: valuation.items[i]?.imHaircutBps ?? c.haircutBps,
        routeBreakLossBps: valuation.items[i]?.routeBreakLossBps ?? 0,
        valueUsd8: s(c.valueUsd8),
        valueUsd: usd(c.valueUsd8),
        weightedUsd8: s(c.weightedUsd8),
        weightedUsd: usd(c.weightedUsd8),
      }
    }),
    collateralByChain: [...byChain].sort((a, b) => a[0] - b[0]).map(([chainId, t]) => ({ chainId, valueUsd8: s(t.valueUsd8), weightedUsd8: s(t.weightedUsd8) })),
    collateralByAsset: [...byAsset].sort((a, b) => a[0].localeCompare(b[0])).map(([symbol, t]) => ({ symbol, valueUsd8: s(t.valueUsd8), weightedUsd8: s(t.weightedUsd8) })),
    unsupportedCollateral: valuation.unconfigured.map((b) => ({ chainId: b.chainId, asset: b.asset, amount: s(b.amount) })),
    positions: margin.positions.map((p, i) => ({
      market: p.market,
      size: s(p.size),
      sizeFormatted: formatUnits(p.size, 18),
      entryPrice: s(p.entryPrice),
      entryPriceUsd: usd(p.entryPrice),
      markPrice: s(p.markPrice),
      markPriceUsd: usd(p.markPrice),
      markPriceAgeSeconds: sn(valuation.positions[i]?.quote?.ageSeconds),
      notionalUsd8: s(p.notionalUsd8),
      notionalUsd: usd(p.notionalUsd8),
      unrealizedPnlUsd8: s(p.unrealizedPnlUsd8),
      unrealizedPnlUsd: usd(p.unrealizedPnlUsd8),
      imUsd8: s(p.imUsd8),
      mmUsd8: s(p.mmUsd8),
    })),
    withdrawalBufferUsd8: s(buffer),
    routes: latencies.map((r) => ({
      chainId: r.chainId,
      transport: r.transport,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      samples: r.samples,
      source: r.source,
      bufferUsd8: s(bufferByChain.get(r.chainId) ?? 0n),
    })),
    withdrawable,
    withdrawals: shownW.map((w) => withdrawalView(config, w, w.commandId ? (commandStates.get(w.commandId) ?? null) : null)),
    lock: { state: account.lockState, epoch: account.lockEpoch, chains: account.lockChains, lockedChains: account.lockedChains },
    marginMode: config.margin.mode,
    // the set the account was valued under (`margin.calibration = 'volatility'`), as the valuation found it
    ...(valuation.parameterSet ? { parameterSet: { ...valuation.parameterSet, applied: true } } : {}),
    ...(margin.risk ? { risk: riskView(valuation.config, valuation, toUnixSeconds(now)) } : {}),
    valuationBlocks: config.chains.flatMap((c) => {
      const b = valuation.book.blocks.get(c.chainId)
      return b ? [{ chainId: c.chainId, blockNumber: s(b.blockNumber), blockTimestamp: s(b.blockTimestamp) }] : []
    }),
    prices: valuation.book.quotes
      .map((q) => ({
        chainId: q.chainId,
        symbol: q.symbol,
        feed: q.feed,
        priceUsd8: s(q.priceUsd8),
        roundId: s(q.roundId),
        updatedAt: s(q.updatedAt),
        ageSeconds: s(q.ageSeconds),
        stale: q.stale,
      }))
      .sort((a, b) => a.chainId - b.chainId || a.symbol.localeCompare(b.symbol)),
    priceProblems: valuation.priceProblems.map((p) => ({ ...p, ageSeconds: sn(p.ageSeconds) })),
    liquidations: liqRows.map(liquidationView),
  }
}

/** The engine's outputs for the API: scenario vector, worst scenario, Greeks, σ and a liquidation price per underlying. */
function riskView(config: Config, valuation: AccountValuation, nowSeconds: bigint): RiskView {
  const risk = valuation.margin.risk!
  const engine = riskModelOf(config).engine!
  const account = portfolioAccountOf({ items: valuation.items, positions: valuation.positions, settledPnlUsd8: valuation.account.settledPnl })
  const market = marketStateOf(config, valuation.book, nowSeconds)
  const underlyings = [...new Set(valuation.positions.map((p) => p.underlying))]
  return {
    worstScenario: risk.worstScenario,
    worstLossUsd8: risk.worstLossUsd8.toString(),
    contingencyUsd8: risk.contingencyUsd8.toString(),
    collateralImUsd8: risk.collateralImUsd8.toString(),
    routeBreakUsd8: risk.routeBreakUsd8.toString(),
    routeBreak: risk.routeBreak,
    scenarios: risk.scenarioNames.map((name, i) => ({ name, pnlUsd: risk.scenarioPnlUsd[i] ?? 0 })),
    greeks: risk.greeks,
    pnlSigmaUsd8: risk.pnlSigmaUsd8.toString(),
    sigmaHorizonSeconds: risk.sigmaHorizonSeconds,
    liquidationPrices: underlyings
      .filter((u) => market.underlyings[u])
      .map((u) => {
        const l = engine.liquidationPrice(account, market, u)
        return {
          underlying: u,
          spotUsd8: l.spotUsd8.toString(),
          belowUsd8: l.belowUsd8?.toString() ?? null,
          aboveUsd8: l.aboveUsd8?.toString() ?? null,
          liquidatableNow: l.liquidatableNow,
        }
      }),
  }
}
