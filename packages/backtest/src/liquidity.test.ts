import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { windowLiquidity } from './liquidity.js'
import { loadCrashWindow } from './windows.js'

const HEAD = 'timestamp_utc_open,symbol,venue,interval,open,high,low,close,volume_base,source_set'
const row = (hour: number, symbol: string, close: number, volume: number, venue = 'binance_usdm_perp', set = 'a') =>
  `2022-11-06T0${hour}:00:00Z,${symbol},${venue},1h,0,0,0,${close},${volume},${set}`

describe('windowLiquidity', () => {
  it('takes σ_daily from the bar log returns and V_daily from the mean bar volume of the series the prices came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liquidity-'))
    const path = join(dir, 'w.csv')
    const eth = [100, 110, 99]
    const lines = [
      HEAD,
      ...eth.map((c, h) => row(h, 'ETH', c, 1_000 * (h + 1))),
      ...eth.map((_, h) => row(h, 'BTC', 20_000, 10)),
    ]
    // another source set of the same series is ignored
    lines.push(row(0, 'ETH', 100, 1e9, 'binance_usdm_perp', 'b'))
    writeFileSync(path, lines.join('\n'))
    const liquidity = windowLiquidity(path, loadCrashWindow(path, ['ETH', 'BTC']))
    const r = [Math.log(1.1), Math.log(0.9)]
    const m = (r[0]! + r[1]!) / 2
    const sd = Math.sqrt(((r[0]! - m) ** 2 + (r[1]! - m) ** 2) / 1)
    expect(liquidity.ETH!.sigmaDaily).toBeCloseTo(sd * Math.sqrt(24), 12)
    expect(liquidity.ETH!.volumeDaily).toBeCloseTo(2_000 * 24, 9)
    expect(liquidity.BTC!.sigmaDaily).toBe(0)
  })
})
