import type { Command } from 'commander'
import { addCoverageCommand } from '../../operator/backtestCoverage.js'

/** `unimargin backtest …`: backtests of the margin models (`coverage`). */
export function addBacktestCommand(program: Command): Command {
  const backtest = program.command('backtest').description('Backtests of the margin models on the shared price history.')
  addCoverageCommand(backtest)
  return backtest
}
