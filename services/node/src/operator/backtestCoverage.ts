import { type Command, InvalidArgumentError, Option } from 'commander'

const positive = (value: string) => {
  const n = Number(value)
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a number > 0')
  return n
}
const fraction = (value: string) => {
  const n = Number(value)
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be a number between 0 and 1')
  return n
}
const hours = (value: string) => {
  const n = Number(value)
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('must be a whole number of hours > 0')
  return n
}
const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean)
const date = (value: string) => {
  const t = Date.parse(value)
  if (!Number.isFinite(t)) throw new InvalidArgumentError('must be a date, e.g. 2022-01-01')
  return t
}

/** Options of `unimargin backtest coverage`, as commander parses them. */
export type CoverageCommandOptions = {
  dataDir: string
  symbols?: string[]
  books?: string[]
  stride: number
  horizon?: number
  method: 'ewma' | 'garch'
  lambda?: number
  floor: number
  cap: number
  coverage: string
  confidence?: number
  from?: number
  to?: number
  json?: boolean
  out?: string
}

/**
 * Adds `coverage` under `parent` (`unimargin backtest coverage`): MM of sample books under the static grid and the
 * volatility-driven grid against the loss realised over the horizon, every hour of the shared perp_1h prices, with
 * Kupiec's and Christoffersen's tests and average capital. Prints a table (or the JSON with `--json`); `--out <dir>`
 * writes coverage.json and coverage.svg.
 * @example addCoverageCommand(program.command('backtest'))
 */
export function addCoverageCommand(parent: Command): Command {
  return parent
    .command('coverage')
    .description('Exceedances of MM by realised 4-hour losses, static vs volatility-driven grid: Kupiec and Christoffersen tests, average capital.')
    .option('--data-dir <dir>', 'folder of <SYMBOL>USDT_1h.csv', '../shared/data/prices/perp_1h')
    .option('--symbols <list>', 'comma-separated symbols (default BTC,ETH,SOL,LINK,AVAX)', list)
    .option('--books <list>', 'comma-separated book names (default every book on those symbols)', list)
    .option('--stride <hours>', 'hours between evaluations', hours, 1)
    .option('--horizon <hours>', 'loss horizon in hours (default the grid horizon, 4)', hours)
    .addOption(new Option('--method <method>', 'realised-vol estimator of the volatility model').choices(['ewma', 'garch']).default('ewma'))
    .option('--lambda <decay>', 'EWMA decay per hour (default 0.94^(1/24))', fraction)
    .option('--floor <ratio>', 'smallest vol ratio applied to the grid', positive, 0.5)
    .option('--cap <ratio>', 'largest vol ratio applied to the grid', positive, 3)
    .option('--coverage <z>', 'σ multiple of the core move: a number, or "filtered" (filtered-historical quantile)', 'filtered')
    .option('--confidence <level>', 'one-sided confidence the models claim (default Φ(3.29) = 0.9995)', fraction)
    .option('--from <date>', 'first hour evaluated', date)
    .option('--to <date>', 'evaluate hours before this', date)
    .option('--json', 'print the JSON report instead of the table')
    .option('--out <dir>', 'write coverage.json and coverage.svg to this folder')
    .action(async (o: CoverageCommandOptions) => {
      const { COVERAGE_TABLE_HEAD, coverageTableRows, runCoverageBacktest } = await import('@unimargin/backtest')
      const coverage = o.coverage === 'filtered' ? 'filtered' : positive(o.coverage)
      const { createStepProgress } = await import('../progress/index.js')
      const progress = createStepProgress({ unit: 'hours' })
      const report = await runCoverageBacktest({
        onHour: ({ done, total }) => progress.update(done, total),
        dataDir: o.dataDir,
        symbols: o.symbols,
        books: o.books,
        strideHours: o.stride,
        horizonHours: o.horizon,
        method: o.method,
        lambda: o.lambda,
        bounds: { floor: o.floor, cap: o.cap },
        coverage,
        confidence: o.confidence,
        fromMs: o.from,
        toMs: o.to,
        outDir: o.out,
      }).finally(() => progress.stop())
      if (o.json) {
        console.log(JSON.stringify({ parameters: report.parameters, stats: report.stats, exceedances: report.exceedances }, null, 2))
        return
      }
      const { default: Table } = await import('cli-table3')
      const table = new Table({ head: COVERAGE_TABLE_HEAD })
      table.push(...coverageTableRows(report.stats))
      console.log(table.toString())
      if (report.files.length > 0) console.log(`Written: ${report.files.join(', ')}`)
    })
}
