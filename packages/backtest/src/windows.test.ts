import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { listCrashWindows, loadCrashWindow } from './windows.js'

const dir = fileURLToPath(new URL('../../../../shared/data/prices/crash_windows', import.meta.url))
const present = existsSync(dir)
const inCi = !!process.env.CI && process.env.CI !== 'false'
if (!present && !inCi) console.warn(`Skipping crash-window tests: ${dir} is absent (it is the shared reference data).`)

describe.skipIf(!present && !inCi)('loadCrashWindow', () => {
  it('finds the four shared crash windows', () => {
    expect(listCrashWindows(dir).map((f) => f.split('/').pop())).toEqual([
      '2020-03_black_thursday.csv',
      '2021-05-19_crash.csv',
      '2022-05_luna_ust.csv',
      '2022-11_ftx.csv',
    ])
  })

  it('keeps one hourly perpetual series per major, aligned, and shows the real FTX low', () => {
    const w = loadCrashWindow(`${dir}/2022-11_ftx.csv`, ['ETH', 'BTC'])
    expect(w.times).toHaveLength(168)
    expect(w.sources.ETH).toBe('1h binance_usdm_perp (pixelalpha)')
    expect(w.times.every((t, i) => i === 0 || t - w.times[i - 1]! === 3_600_000)).toBe(true)
    expect(Math.min(...w.closes.ETH!)).toBeCloseTo(1101.49, 1)
    expect(w.closes.BTC).toHaveLength(168)
  })

  it('names the file and symbol when a series is missing', () => {
    expect(() => loadCrashWindow(`${dir}/2022-11_ftx.csv`, ['NOPE'])).toThrow(/2022-11_ftx.csv: no usable NOPE series/)
  })
})
