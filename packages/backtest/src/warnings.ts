import type { PriceWindow } from './windows.js'

/**
 * Data caveats of a window, one sentence per symbol whose series is not a perpetual's: the replay then marks perps at
 * spot (no basis, no funding), so a basis book looks perfectly hedged and a perp's liquidation price is the spot's.
 * @example windowWarnings(w) // ['2020-03_black_thursday: no ETH perpetual series; spot (1h binance_spot (x)) stands in for the perp mark']
 */
export function windowWarnings(window: PriceWindow): string[] {
  return Object.entries(window.sources)
    .filter(([, source]) => !source.includes('perp'))
    .map(
      ([symbol, source]) =>
        `${window.name}: no ${symbol} perpetual series; spot (${source}) stands in for the perp mark`,
    )
}
