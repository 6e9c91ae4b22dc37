import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadHourlyCloses } from './hourlyCloses.js'

describe('loadHourlyCloses', () => {
  it('sorts by time, keeps the first of a repeated hour, drops bad closes and keeps gaps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'closes-'))
    try {
      writeFileSync(
        join(dir, 'BTCUSDT_1h.csv'),
        [
          'Date,Open,High,Low,Close,Volume',
          '2020-01-01 02:00:00+00:00,1,1,1,7210.5,1',
          '2020-01-01 00:00:00+00:00,1,1,1,7171.55,1',
          '2020-01-01 00:00:00+00:00,1,1,1,9999,1',
          '2020-01-01 03:00:00+00:00,1,1,1,0,1',
          '2020-01-01 04:00:00+00:00,1,1,1,,1',
          '2020-01-01 05:00:00+00:00,1,1,1,7300,1',
          '',
        ].join('\n'),
      )
      const s = loadHourlyCloses(dir, 'BTC')
      expect(s.symbol).toBe('BTC')
      expect(s.times).toEqual([Date.UTC(2020, 0, 1, 0), Date.UTC(2020, 0, 1, 2), Date.UTC(2020, 0, 1, 5)])
      expect(s.closes).toEqual([7171.55, 7210.5, 7300])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the file when a column is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'closes-'))
    try {
      writeFileSync(join(dir, 'ETHUSDT_1h.csv'), 'Time,Price\n2020-01-01,1\n')
      expect(() => loadHourlyCloses(dir, 'ETH')).toThrow(/ETHUSDT_1h\.csv: needs columns Date and Close/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
