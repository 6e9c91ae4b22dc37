import { describe, expect, it } from 'vitest'
import { capitalTable, capitalTableHead, capitalTableRows } from './capitalTable.js'
import type { StressRun } from './replay.js'

const run = (portfolio: string, mode: StressRun['mode'], capitalRequiredUsd: number): StressRun => ({
  window: 'w',
  portfolio,
  mode,
  capitalRequiredUsd,
  spotLegsUsd: 0,
  firstMarginCallAt: null,
  liquidations: [],
  seizedUsd: 0,
  shortfallUsd: 0,
  minHealth: null,
  warnings: [],
  points: [],
})

describe('capitalTable', () => {
  it('divides each mode’s capital by isolated mode’s for the same book and window', () => {
    const rows = capitalTable([run('a', 'portfolio', 500), run('a', 'isolated', 2_000), run('b', 'portfolio', 10)])
    expect(rows.map((r) => r.ratioToIsolated)).toEqual([0.25, 1, null])
  })

  it('prints one row per book with every mode’s capital and ratio', () => {
    const rows = capitalTable([run('a', 'portfolio', 500), run('a', 'tiered', 2_000), run('a', 'isolated', 2_000)])
    const modes = ['portfolio', 'tiered', 'isolated'] as const
    expect(capitalTableHead(modes)).toEqual(['window', 'book', 'portfolio (× isolated)', 'tiered (× isolated)', 'isolated'])
    expect(capitalTableRows(rows, modes)).toEqual([['w', 'a', '$500 (0.25)', '$2,000 (1.00)', '$2,000']])
  })
})
