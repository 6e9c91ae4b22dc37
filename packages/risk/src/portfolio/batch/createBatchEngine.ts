import { InvalidInputError, MissingMarketDataError } from '../errors.js'
import type { PortfolioEngine } from '../engine/createPortfolioEngine.js'
import type { MarketContext } from '../market/marketContext.js'
import type { MarketState, PortfolioAccount } from '../types.js'
import { healthBpsOf, usd8Down, usd8Up } from '../units.js'
import { type AssetTable, createAssetTable } from './assetTable.js'
import { buildBatchAccounts } from './buildBatchAccounts.js'
import { type ExposureIndex, indexExposure } from './exposure.js'
import { createInstrumentTable, type InstrumentTable } from './instrumentTable.js'
import { type BatchResults, createBatchResults, revalueAccounts } from './kernel.js'
import { type BatchAccounts, checkBatchAccounts } from './layout.js'
import { type NakedShortIndex, indexNakedShort } from './nakedShort.js'
import { recheckAccounts } from './recheck.js'
import { type BatchPrices, priceTable } from './priceTable.js'
import { repriceUnderlying } from './repriceUnderlying.js'
import { collateralAddOnsUsd } from './collateralAddOns.js'
import { batchMarketAddOns } from './marketAddOnsBatch.js'

/** A loaded book: accounts, the market they were last revalued at, prices and results. */
export type BatchBook = {
  accounts: BatchAccounts
  /** collateral asset prices, USD, by asset row */
  assetPrice: Float64Array
  market: MarketState
  ctx: MarketContext
  prices: BatchPrices
  results: BatchResults
  exposure: ExposureIndex
  naked: NakedShortIndex
  /** the matrix before the last tick (rows of the ticked underlying), for `recheckAccounts` */
  previous: Float64Array
  /** the last tick: accounts exposed, and how many of them needed a full revaluation */
  lastTick: { exposed: number; revaluedInFull: number }
}

/** One account's figures from the batch, usd8 with the per-account engine's rounding rule. */
export type BatchAccountRisk = {
  equityUsd8: bigint
  imUsd8: bigint
  mmUsd8: bigint
  /** IM haircut add-on of risk-cancelling collateral, usd8, rounded up (in `imUsd8`) */
  collateralImUsd8: bigint
  /** loss of the worst route break, usd8, rounded up (in `imUsd8` and `mmUsd8`) */
  routeBreakUsd8: bigint
  healthBps: bigint | null
  worstScenario: string | null
  pnlSigmaUsd8: bigint
  /** with `params.concentration`: the liquidity add-on, usd8, rounded up (in `imUsd8` and `mmUsd8`) */
  concentrationUsd8?: bigint
}

export type BatchEngine = {
  readonly instruments: InstrumentTable
  readonly assets: AssetTable
  /** converts accounts to the typed-array layout (positions netted, collateral weighted at `nowMs`) */
  buildAccounts(accounts: readonly PortfolioAccount[], nowMs: number): { accounts: BatchAccounts; assetPrice: Float64Array }
  /** prices every instrument at `market`, revalues every account and indexes exposures */
  load(accounts: BatchAccounts, assetPrice: Float64Array, market: MarketState): BatchBook
  /** full revaluation at a new market (same underlyings): every instrument repriced, every account revalued */
  revalueAll(book: BatchBook, market: MarketState): void
  /**
   * After a tick on one underlying: reprices only its instruments and re-checks only the accounts exposed to it
   * (`recheckAccounts`: same results as a full revaluation, most accounts updated from their worst scenario alone).
   * `assetPrices` updates collateral prices (by asset row, USD) of assets following `underlying` (collateral rows of
   * other underlyings are repriced at the next `revalueAll`). Returns the number of accounts revalued.
   */
  tick(book: BatchBook, market: MarketState, underlying: string, assetPrices?: ReadonlyMap<number, number>): number
  /** account `a`'s figures in usd8 */
  accountRisk(book: BatchBook, a: number): BatchAccountRisk
}

/**
 * The batch engine (portfolio mode) for a configured per-account engine: same grid, same parameters, same scenario
 * pricing (instrument rows come from the same `MarketContext`), same summation order, so its results agree with
 * `engine.marginAccount` up to float rounding of equity (the per-account engine's equity is exact bigint).
 * Each tick prices every (instrument, scenario) once; the per-account work is Σ qty·row over positions and a min
 * over scenarios (`revalueAccounts`). Layout: see `BatchAccounts`.
 */
export function createBatchEngine(engine: PortfolioEngine): BatchEngine {
  if (engine.mode !== 'portfolio') throw new InvalidInputError(`The batch engine computes portfolio margin; the engine is in ${engine.mode} mode.`)
  const instruments = createInstrumentTable()
  const assets = createAssetTable()
  const { mmMultiplier: m, imMultiplier: i } = engine.params

  const assetUnderlying = (ctx: MarketContext) => Int32Array.from(assets.follows, (u) => ctx.underlyingIndex.get(u) ?? -1)

  const load = (accounts: BatchAccounts, assetPrice: Float64Array, market: MarketState): BatchBook => {
    checkBatchAccounts(accounts, instruments.instruments.length, assets.keys.length)
    if (assetPrice.length < assets.keys.length) throw new RangeError('Batch: fewer asset prices than assets.')
    const ctx = engine.context(market)
    const prices = priceTable(instruments, ctx, { price: assetPrice, follows: assets.follows })
    const results = createBatchResults(accounts.count)
    const naked = indexNakedShort(accounts, prices.strikeGroup, prices.underlyingOf, prices.groupCount, ctx.set.underlyings.length)
    revalueAccounts(accounts, prices, assetPrice, naked, results)
    const exposure = indexExposure(accounts, ctx.set.underlyings, prices.underlyingOf, assetUnderlying(ctx))
    return { accounts, assetPrice, market, ctx, prices, results, exposure, naked, previous: new Float64Array(prices.matrix.length), lastTick: { exposed: 0, revaluedInFull: 0 } }
  }

  return {
    instruments,
    assets,
    buildAccounts: (accounts, nowMs) => buildBatchAccounts(accounts, instruments, assets, engine.params.collateral, nowMs),
    load,
    revalueAll(book, market) {
      const ctx = engine.context(market)
      sameUniverse(book, ctx)
      book.prices = priceTable(instruments, ctx, { price: book.assetPrice, follows: assets.follows })
      book.market = market
      book.ctx = ctx
      revalueAccounts(book.accounts, book.prices, book.assetPrice, book.naked, book.results)
    },
    tick(book, market, underlying, assetPrices) {
      const ctx = engine.context(market)
      sameUniverse(book, ctx)
      const u = ctx.underlyingIndex.get(underlying)
      if (u === undefined) throw new MissingMarketDataError(underlying, 'price')
      // asset prices first: collateral rows of u are repriced at them
      repriceUnderlying(book, instruments, assets, ctx, u, assetPrices)
      const from = book.exposure.start[u]!
      const to = book.exposure.start[u + 1]!
      const full = recheckAccounts(book.accounts, book.prices, book.previous, u, book.assetPrice, book.naked, book.results, book.exposure.accounts.subarray(from, to))
      book.lastTick = { exposed: to - from, revaluedInFull: full }
      return to - from
    },
    accountRisk(book, a) {
      if (!(a >= 0 && a < book.accounts.count)) throw new RangeError(`No account ${a} in the batch.`)
      const r = book.results
      // diversification floor and concentration add-on: a post-step on the kernel's outputs (`batchMarketAddOns`)
      const extra = batchMarketAddOns(book, instruments, engine.params, a)
      const min = r.minPnlUsd[a]!
      const worst = min < 0 ? -min : 0
      const risk = extra && extra.worstLossUsd > worst ? extra.worstLossUsd + (r.riskUsd[a]! - worst) : r.riskUsd[a]!
      const concentrationUsd8 = extra && extra.concentrationUsd > 0 ? usd8Up(extra.concentrationUsd) : 0n
      const addOns = collateralAddOnsUsd(book.accounts, book.assetPrice, a)
      const collateralImUsd8 = addOns.imUsd > 0 ? usd8Up(addOns.imUsd) : 0n
      const routeBreakUsd8 = addOns.routeBreakUsd > 0 ? usd8Up(addOns.routeBreakUsd) : 0n
      const mmUsd8 = usd8Up(m * risk) + routeBreakUsd8 + concentrationUsd8
      const equityUsd8 = usd8Down(r.equityUsd[a]!)
      const w = r.worstScenario[a]!
      return {
        ...(engine.params.concentration ? { concentrationUsd8 } : {}),
        equityUsd8,
        imUsd8: usd8Up(i * risk) + collateralImUsd8 + routeBreakUsd8 + concentrationUsd8,
        mmUsd8,
        collateralImUsd8,
        routeBreakUsd8,
        healthBps: healthBpsOf(equityUsd8, mmUsd8),
        worstScenario: w === 0xffff ? null : book.prices.names[w]!,
        pnlSigmaUsd8: usd8Up(Math.max(0, -r.minPnlUsd[a]!) / engine.grid.sigmaCoverage),
      }
    },
  }
}

/**
 * Checks that `ctx` prices the scenarios and underlyings `book` was loaded with.
 * @throws {InvalidInputError} when the market has other underlyings or another scenario count
 */
export function sameUniverse(book: BatchBook, ctx: MarketContext): void {
  if (ctx.set.names.length !== book.prices.S || ctx.set.underlyings.join() !== book.prices.underlyings.join()) {
    throw new InvalidInputError('The market has other underlyings than the loaded book; load it again.')
  }
}
