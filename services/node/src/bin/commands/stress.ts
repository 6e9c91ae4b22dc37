import type { Command } from 'commander'

type StressOptions = { windowsDir: string; window?: string; out: string; cascade?: boolean; population: number; seed: number }

/** `unimargin stress`: the crash windows replayed on sample books under each margin mode. */
export function addStressCommand(program: Command): Command {
  return program
    .command('stress')
    .description(
      'Replay the real crash windows on sample books under each margin mode: table, JSON and one SVG chart per window (progress per window on standard error).',
    )
    .option('--windows-dir <dir>', 'folder of crash-window CSVs', '../shared/data/prices/crash_windows')
    .option('--window <names>', 'comma-separated parts of window names to run (default all)')
    .option('--out <dir>', 'where the charts and stress.json go', '.unimargin/stress')
    .option('--cascade', 'also replay a seeded population whose liquidations move the price (square-root impact), with and without that feedback')
    .option('--population <n>', 'accounts in the cascade population', (v) => Number.parseInt(v, 10), 300)
    .option('--seed <n>', 'seed of the cascade population', (v) => Number.parseInt(v, 10), 1)
    .action(async (options: StressOptions) => {
      const backtest = await import('@unimargin/backtest')
      const { default: Table } = await import('cli-table3')
      const { createStepProgress } = await import('../../progress/index.js')
      const cascade = options.cascade ? { population: { size: options.population, seed: options.seed } } : undefined
      const progress = createStepProgress({ unit: 'windows' })
      const report = await backtest
        .runStressSuite({
          windowsDir: options.windowsDir,
          windows: options.window?.split(','),
          outDir: options.out,
          cascade,
          onWindow: ({ done, total, window }) => progress.update(done, total, window),
        })
        .finally(() => progress.stop())
      const modes = ['portfolio', 'tiered', 'isolated'] as const
      const print = (head: string[], rows: string[][]) => {
        const table = new Table({ head })
        table.push(...rows)
        console.log(table.toString())
      }
      print(backtest.STRESS_TABLE_HEAD, backtest.stressTableRows(report.runs))
      console.log('Capital required (smallest USDC deposit that opens the book at t0; see packages/backtest/README.md):')
      print(backtest.capitalTableHead(modes), backtest.capitalTableRows(report.capital, modes))
      if (report.cascades.length > 0) print(backtest.CASCADE_TABLE_HEAD, backtest.cascadeTableRows(report.cascades))
      for (const w of report.warnings) console.log(`⚠ ${w}`)
      console.log(`Charts: ${report.charts.join(', ')}\nRuns: ${options.out}/stress.json`)
    })
}
