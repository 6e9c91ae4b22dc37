import type { Command } from 'commander'

/** `unimargin pm2 check`: Derive PMRM_2 case files margined and compared with their results. */
export function addPm2Command(program: Command): Command {
  const pm2 = program.command('pm2').description("Derive's PMRM_2 portfolio margin (the `derive` mode of @unimargin/risk).")
  pm2
    .command('check')
    .description("Margin Derive-format PMRM_2 case files and compare MM, IM and every scenario loss with each file's Result (1e-8 relative). Exits 1 when a case is off or unreadable.")
    .argument('<paths...>', 'case files, or directories whose *.json are all checked')
    .option('--json', 'print the report as JSON')
    .option('--all-exact', 'compute every scenario loss in fixed point (default: only those that can be the worst)')
    .action(async (paths: string[], options: { json?: boolean; allExact?: boolean }) => {
      const { checkPm2Cases, formatPm2Check, pm2CheckJson } = await import('../../operator/pm2Check.js')
      const report = checkPm2Cases(paths, undefined, { exactScenarios: options.allExact ? 'all' : 'worst' })
      console.log(options.json ? JSON.stringify(pm2CheckJson(report), null, 2) : formatPm2Check(report).join('\n'))
      if (!report.ok) process.exitCode = 1
    })
  return pm2
}
