import type { Config } from '@unimargin/chains'
import type { DbOrTx } from '@unimargin/db'
import type { AccountMargin } from '@unimargin/risk'
import { type Address, getAddress } from 'viem'
import { assetOn, marketOf } from '../common/config.js'
import { toUnixSeconds } from '../common/format.js'
import { readAccount } from '../ledger/index.js'
import { computeMargin, instrumentOf, type ValuedCollateralItem, type ValuedPosition, valueAccount } from '../valuation/index.js'

/** A hypothetical change: position size deltas (1e18, signed) by market and collateral deltas (base units, signed). */
export type WhatIfChange = {
  positions?: { market: string; size: bigint }[]
  collateral?: { chainId: number; asset: Address; amount: bigint }[]
}

/** The margin figures a what-if compares (usd8 as decimal strings). */
export type MarginSummary = {
  equityUsd8: string
  imUsd8: string
  mmUsd8: string
  freeCollateralUsd8: string
  health: string | null
  worstScenario: string | null
}

/** Thrown when a what-if names a market or (chain, asset) the protocol does not configure. */
export class UnknownInstrumentError extends Error {
  override name = 'UnknownInstrumentError'
}

const summary = (m: AccountMargin & { risk?: { worstScenario: string | null } }): MarginSummary => ({
  equityUsd8: m.equityUsd8.toString(),
  imUsd8: m.imUsd8.toString(),
  mmUsd8: m.mmUsd8.toString(),
  freeCollateralUsd8: m.freeCollateralUsd8.toString(),
  health: m.health,
  worstScenario: m.risk?.worstScenario ?? null,
})

/**
 * The account's margin now and after `change`, with the protocol's margin model at current prices: a new position
 * enters at the mark (no instant P&L), a larger or smaller one keeps its entry; collateral may go negative on a
 * chain (a liability there). Nothing is written.
 * @throws {UnknownInstrumentError} naming the market or (chain, asset) that is not configured.
 */
export async function whatIf(db: DbOrTx, config: Config, address: string, change: WhatIfChange, now: Date): Promise<{ before: MarginSummary; after: MarginSummary }> {
  const account = await readAccount(db, getAddress(address))
  const nowSeconds = toUnixSeconds(now)
  const valuation = await valueAccount(db, config, account, nowSeconds)
  const items: ValuedCollateralItem[] = valuation.items.map((i) => ({ ...i }))
  for (const c of change.collateral ?? []) {
    const asset = assetOn(config, c.chainId, c.asset)
    if (!asset) throw new UnknownInstrumentError(`Asset ${c.asset} is not collateral on chain ${c.chainId}.`)
    const held = items.find((i) => i.chainId === c.chainId && i.asset === asset.address)
    if (held) held.amount += c.amount
    else {
      const quote = valuation.book.collateralPrice(c.chainId, asset)
      items.push({ chainId: c.chainId, symbol: asset.symbol, asset: asset.address, amount: c.amount, decimals: asset.decimals, priceUsd8: quote?.priceUsd8 ?? 0n, haircutBps: asset.haircutBps, quote })
    }
  }
  const positions: ValuedPosition[] = valuation.positions.map((p) => ({ ...p }))
  for (const p of change.positions ?? []) {
    const market = marketOf(config, p.market)
    if (!market) throw new UnknownInstrumentError(`Market ${p.market} is not configured (configured: ${config.markets.map((m) => m.symbol).join(', ')}).`)
    const held = positions.find((x) => x.market === p.market)
    if (held) held.size += p.size
    else {
      const quote = valuation.book.markPrice(market.underlying)
      const mark = quote?.priceUsd8 ?? 0n
      positions.push({ market: p.market, underlying: market.underlying, instrument: instrumentOf(market), size: p.size, entryPrice: mark, markPrice: mark, imfBps: market.imfBps, mmfBps: market.mmfBps, quote })
    }
  }
  const open = positions.filter((p) => p.size !== 0n)
  // an option or future entering now enters at its model value: price it once with the engine, then re-run
  const probe = computeMargin(config, valuation.book, nowSeconds, { items, positions: open, settledPnlUsd8: account.settledPnl })
  for (const [i, p] of open.entries()) if (!valuation.positions.some((x) => x.market === p.market)) p.entryPrice = probe.positions[i]?.markPrice ?? p.entryPrice
  const after = computeMargin(config, valuation.book, nowSeconds, { items, positions: open, settledPnlUsd8: account.settledPnl })
  return { before: summary(valuation.margin), after: summary(after) }
}
