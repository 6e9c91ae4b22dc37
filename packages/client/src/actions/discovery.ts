import { type Transport, unwrap } from '../transport.js'
import type { AssetView, ChainsView, MarketView, PriceView } from '../types.js'

export type DiscoveryActions = {
  /** The hub (chain id, MarginHub address) and every chain: vault, transport, finality, watcher head and lag (`GET /v1/chains`). */
  getChains: () => Promise<ChainsView>
  /** Every collateral asset per chain with its haircuts (bps) and price as the hub values it (`GET /v1/assets`). */
  getAssets: () => Promise<AssetView[]>
  /** Every market: margin fractions (bps), entry band, notional cap (usd8), mark price (`GET /v1/markets`). */
  getMarkets: () => Promise<MarketView[]>
  /** Every oracle answer the hub holds (usd8), with its age (s) and staleness (`GET /v1/prices`). */
  getPrices: () => Promise<PriceView[]>
}

export function discoveryActions(t: Transport): DiscoveryActions {
  return {
    getChains: () => unwrap(t, 'GET /v1/chains', () => t.api.GET('/v1/chains')),
    getAssets: async () => (await unwrap(t, 'GET /v1/assets', () => t.api.GET('/v1/assets'))).assets,
    getMarkets: async () => (await unwrap(t, 'GET /v1/markets', () => t.api.GET('/v1/markets'))).markets,
    getPrices: async () => (await unwrap(t, 'GET /v1/prices', () => t.api.GET('/v1/prices'))).prices,
  }
}
