import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SAMPLE_PORTFOLIOS } from './portfolios.js'
import { replay, type StressRun } from './replay.js'
import { listCrashWindows, loadCrashWindow } from './windows.js'

const dir = fileURLToPath(new URL('../../../../shared/data/prices/crash_windows', import.meta.url))
const present = existsSync(dir)
const inCi = !!process.env.CI && process.env.CI !== 'false'
if (!present && !inCi) console.warn(`Skipping the stress goals: ${dir} is absent (it is the shared reference data).`)

/**
 * Hedged books whose legs are on two underlyings (long BTC against short ETH). The engine's decorrelation scenarios
 * charge such a pair more than the two 2% tier IMFs of isolated mode do, so they miss the capital goal: recorded in
 * packages/backtest/README.md ("Goals") and pinned below so a change of the engine shows here.
 */
const CROSS_UNDERLYING = ['relative-value', 'multi-collateral']

// every window in the folder, including any dropped in later in the same format
const files = present ? listCrashWindows(dir) : []
const runs: StressRun[] = files.flatMap((file) => {
  const window = loadCrashWindow(file, ['ETH', 'BTC'])
  return SAMPLE_PORTFOLIOS.flatMap((p) => (['portfolio', 'isolated'] as const).map((m) => replay(window, p, m)))
})
const pair = (window: string, book: string) => ({
  portfolio: runs.find((r) => r.window === window && r.portfolio === book && r.mode === 'portfolio')!,
  isolated: runs.find((r) => r.window === window && r.portfolio === book && r.mode === 'isolated')!,
})
const windows = [...new Set(runs.map((r) => r.window))]

describe.skipIf(!present && !inCi)('stress goals on every crash window', () => {
  it('finds crash windows to test', () => {
    expect(windows.length).toBeGreaterThan(0)
  })

  it('needs less capital in portfolio mode than in isolated mode for every hedged book on one underlying, spot-hedged included', () => {
    const misses = windows.flatMap((w) =>
      SAMPLE_PORTFOLIOS.filter((p) => p.hedged && !CROSS_UNDERLYING.includes(p.name))
        .map((p) => ({ w, book: p.name, ...pair(w, p.name) }))
        .filter(({ portfolio, isolated }) => !(portfolio.capitalRequiredUsd < isolated.capitalRequiredUsd))
        .map(
          ({ w, book, portfolio, isolated }) =>
            `${w} ${book}: ${portfolio.capitalRequiredUsd} vs ${isolated.capitalRequiredUsd}`,
        ),
    )
    expect(misses).toEqual([])
  })

  it('still needs more capital in portfolio mode for the cross-underlying hedges (the recorded gap)', () => {
    for (const w of windows)
      for (const book of CROSS_UNDERLYING) {
        const { portfolio, isolated } = pair(w, book)
        expect(portfolio.capitalRequiredUsd, `${w} ${book}`).toBeGreaterThan(isolated.capitalRequiredUsd)
      }
  })

  it('has no bad debt in portfolio mode where isolated mode has none, for every book', () => {
    const misses = windows.flatMap((w) =>
      SAMPLE_PORTFOLIOS.map((p) => ({ w, book: p.name, ...pair(w, p.name) }))
        .filter(({ portfolio, isolated }) => isolated.shortfallUsd === 0 && portfolio.shortfallUsd > 0)
        .map(({ w, book, portfolio }) => `${w} ${book}: ${portfolio.shortfallUsd}`),
    )
    expect(misses).toEqual([])
  })
})
