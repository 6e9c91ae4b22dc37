import type { PriceWindow } from '../windows.js'

const HOUR = 3_600_000
/** 2022-11-06T00:00Z, an arbitrary start */
const START = Date.UTC(2022, 10, 6)

/**
 * A window of hourly closes given in the test (ETH and BTC), marked as perpetual series unless `source` says
 * otherwise: for replays whose outcome the test can work out by hand.
 */
export function syntheticWindow(
  closes: { ETH: number[]; BTC?: number[] },
  source = '1h binance_usdm_perp (test)',
): PriceWindow {
  const BTC = closes.BTC ?? closes.ETH.map(() => 20_000)
  return {
    name: 'synthetic',
    times: closes.ETH.map((_, i) => START + i * HOUR),
    closes: { ETH: closes.ETH, BTC },
    sources: { ETH: source, BTC: source },
  }
}
