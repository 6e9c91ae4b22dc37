import type { Config } from '@unimargin/chains'
import type { DbOrTx } from '@unimargin/db'
import { toUnixSeconds } from '../common/format.js'
import { vaultLiquidity } from '../ledger/index.js'
import { loadPriceBook, type PriceBook } from '../pricing/index.js'
import { type RouteLatency, routeLatencies } from '../routes/index.js'

/**
 * What the views of all accounts share at one moment: the price book, the routes' measured latencies and what each
 * vault can pay out. Loading it costs aggregates over every account's balances and escrows, so a reader of many views
 * loads it once and passes it to each {@link getAccountView}.
 */
export type ViewMarket = {
  /** the moment it was read at: the `now` of the views computed with it */
  at: Date
  book: PriceBook
  latencies: RouteLatency[]
  /** base units a vault can pay out, by `liquidityKey(chainId, asset)`, for every configured (chain, asset) */
  liquidity: Map<string, bigint>
}

/** The key of a (chain, asset) in {@link ViewMarket}'s `liquidity` (asset lower-cased). */
export const liquidityKey = (chainId: number, asset: string) => `${chainId}:${asset.toLowerCase()}`

/**
 * Reads the {@link ViewMarket} at `now`.
 * - reads `prices`, `valuation_blocks`, `commands` and `command_transitions` (route latencies), and sums
 *   `collateral_balances` and open `withdrawals` per configured (chain, asset) (`vaultLiquidity`)
 */
export async function loadViewMarket(db: DbOrTx, config: Config, now: Date): Promise<ViewMarket> {
  const targets = config.chains.flatMap((chain) => chain.assets.map((asset) => ({ chainId: chain.chainId, asset: asset.address })))
  const [book, latencies, amounts] = await Promise.all([
    loadPriceBook(db, config, toUnixSeconds(now)),
    routeLatencies(db, config, now),
    Promise.all(targets.map((t) => vaultLiquidity(db, t.chainId, t.asset))),
  ])
  return { at: now, book, latencies, liquidity: new Map(targets.map((t, i) => [liquidityKey(t.chainId, t.asset), amounts[i] ?? 0n])) }
}
