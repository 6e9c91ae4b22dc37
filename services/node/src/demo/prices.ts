import { readFileSync } from 'node:fs'
import { parseUnits } from 'viem'

/** One hour of the replayed crash: candle open time (UTC) and closes in USD with 8 decimals. */
export type PricePoint = { time: Date; ethUsd8: bigint; btcUsd8: bigint }

/** The shipped FTX-collapse excerpt (see `services/node/data/PROVENANCE.md`). */
export const FTX_2022_11_PATH = new URL('../../data/ftx-2022-11-hourly.csv', import.meta.url)

/**
 * Reads a `timestamp_utc_open,eth_close_usd,btc_close_usd` CSV into price points, parsing decimals exactly
 * (viem `parseUnits`, 8 decimals). @throws Error naming the line when a row is malformed.
 */
export function loadPricePath(path: URL | string = FTX_2022_11_PATH): PricePoint[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n')
  if (header?.trim() !== 'timestamp_utc_open,eth_close_usd,btc_close_usd') throw new Error(`Unexpected price file header: ${header}`)
  return lines.map((line, i) => {
    const [t, eth, btc] = line.trim().split(',')
    const time = new Date(t ?? '')
    if (!eth || !btc || Number.isNaN(time.getTime())) throw new Error(`Malformed price row at line ${i + 2}: ${line}`)
    return { time, ethUsd8: parseUnits(eth, 8), btcUsd8: parseUnits(btc, 8) }
  })
}
